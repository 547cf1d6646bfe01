/**
 * PostgreSQL and an AMQP broker run inside the JVM, for the standalone mode and for tests on a machine that has
 * neither installed.
 */
package io.taskhive.embedded;
