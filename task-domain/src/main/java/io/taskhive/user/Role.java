package io.taskhive.user;

public enum Role {
    USER, ADMIN
}
