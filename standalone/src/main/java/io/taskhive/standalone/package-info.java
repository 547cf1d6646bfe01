/**
 * One command, nothing installed: embedded PostgreSQL and broker, a gateway and a worker in one JVM, bound to
 * 127.0.0.1 by default.
 */
package io.taskhive.standalone;
