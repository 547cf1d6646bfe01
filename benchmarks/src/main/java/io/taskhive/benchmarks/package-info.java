/**
 * Benchmarks that start the packaged services from their jars, drive a workload and print one {@code RESULT} line each
 * (see docs/benchmarks.md). Not part of the build's tests: a figure is a measurement, not a pass or fail.
 */
package io.taskhive.benchmarks;
