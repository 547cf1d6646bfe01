/**
 * What every HTTP answer shares: problem details for every error (from the controllers, the filters and Tomcat
 * itself), and the guards on request bodies (size, strict UTF-8).
 */
package io.taskhive.gateway.web;
