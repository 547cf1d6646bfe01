package io.taskhive.gateway.user;

public enum Role {
    USER, ADMIN
}
