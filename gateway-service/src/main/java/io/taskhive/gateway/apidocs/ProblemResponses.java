package io.taskhive.gateway.apidocs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The error statuses an operation (or every operation of a controller) really answers, each an RFC
 * 9457 problem. The OpenAPI document gets them as shared responses; 401 (for operations that need a
 * token) and 500 are added everywhere they can happen, so they are not listed here.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface ProblemResponses {

    int[] value();
}
