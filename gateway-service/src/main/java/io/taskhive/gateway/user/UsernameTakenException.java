package io.taskhive.gateway.user;

import org.springframework.http.HttpStatus;

import io.taskhive.gateway.web.ApiException;

public class UsernameTakenException extends ApiException {

    public UsernameTakenException(String username) {
        super(HttpStatus.CONFLICT, "the username '" + username + "' is taken");
    }
}
