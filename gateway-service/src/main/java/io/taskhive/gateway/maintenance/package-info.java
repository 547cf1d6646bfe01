/**
 * Table maintenance where autovacuum does not run: the gateway vacuums and analyses the tables it
 * writes by PostgreSQL's own autovacuum thresholds, so that a long history and its dead row versions
 * do not slow the system down on a server with autovacuum turned off.
 */
package io.taskhive.gateway.maintenance;
