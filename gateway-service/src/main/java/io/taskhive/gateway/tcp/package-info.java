/**
 * The raw TCP socket: one JSON request per line, the native dialect, and the router that recognises the seed
 * projects' dialects ({@link io.taskhive.gateway.tcp.legacy}).
 */
package io.taskhive.gateway.tcp;
