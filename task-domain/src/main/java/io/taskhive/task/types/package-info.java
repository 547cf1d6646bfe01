/**
 * The task types the system runs: each validates its payload, describes it as JSON Schema and computes its result.
 */
package io.taskhive.task.types;
