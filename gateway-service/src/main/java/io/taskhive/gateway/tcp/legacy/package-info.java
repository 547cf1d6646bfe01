/**
 * The two seed projects' socket dialects, answered in their own shapes so that their clients keep working; reached
 * only through the TCP router.
 */
package io.taskhive.gateway.tcp.legacy;
