package io.taskhive.gateway.task;

import java.util.UUID;

import org.springframework.http.HttpStatus;

import io.taskhive.gateway.web.ApiException;

/** Also what another user's task looks like: its existence is not revealed. */
public class TaskNotFoundException extends ApiException {

    public TaskNotFoundException(UUID id) {
        super(HttpStatus.NOT_FOUND, "no task " + id);
    }
}
