package io.taskhive.gateway.schedule;

import java.util.UUID;

import org.springframework.http.HttpStatus;

import io.taskhive.gateway.web.ApiException;

/** No such schedule for this caller: another user's is not there either (404, not 403). */
class ScheduleNotFoundException extends ApiException {

    ScheduleNotFoundException(UUID id) {
        super(HttpStatus.NOT_FOUND, "no schedule " + id);
    }
}
