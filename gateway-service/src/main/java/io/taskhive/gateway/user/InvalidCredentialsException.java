package io.taskhive.gateway.user;

import org.springframework.http.HttpStatus;

import io.taskhive.gateway.web.ApiException;

/** One message for an unknown user and a wrong password alike, so it reveals neither. */
public class InvalidCredentialsException extends ApiException {

    public InvalidCredentialsException() {
        super(HttpStatus.UNAUTHORIZED, "invalid username or password");
    }
}
