/**
 * Retention: tasks that finished long enough ago (an age per final status) are deleted with their history, in
 * small batches on a thread of their own, by every gateway replica side by side.
 */
package io.taskhive.gateway.retention;
