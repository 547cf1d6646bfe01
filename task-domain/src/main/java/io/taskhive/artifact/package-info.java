/**
 * Task artifacts: result files too large for a database row and an event, kept in S3-compatible
 * storage behind {@link io.taskhive.artifact.ArtifactStore}. The task row holds only their
 * reference ({@link io.taskhive.artifact.Artifact}).
 */
@NullMarked
package io.taskhive.artifact;

import org.jspecify.annotations.NullMarked;
