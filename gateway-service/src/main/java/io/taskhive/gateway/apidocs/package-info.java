/**
 * The OpenAPI document as the running gateway behaves: statuses, problems, limits and the task types' own schemas.
 */
package io.taskhive.gateway.apidocs;
