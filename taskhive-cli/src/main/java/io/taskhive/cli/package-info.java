/**
 * The {@code taskhive} command line: a client of the REST API or the TCP socket, nothing more; it shares no code
 * with the services.
 */
package io.taskhive.cli;
