/**
 * Who is calling: signed, expiring bearer tokens checked on every request, and the caller as the rest of the
 * gateway sees it.
 */
package io.taskhive.gateway.security;
