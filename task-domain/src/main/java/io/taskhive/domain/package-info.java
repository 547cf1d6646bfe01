/**
 * What both services start with: the shared configuration they import, the shared metrics settings, and the
 * SIGTERM handling that lets a gateway or worker finish its work before it exits.
 */
package io.taskhive.domain;
