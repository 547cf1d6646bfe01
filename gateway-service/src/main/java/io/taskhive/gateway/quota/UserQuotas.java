package io.taskhive.gateway.quota;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.store.DispatchStore;
import io.taskhive.task.store.OwnerLoad;

/**
 * A user's limits, as every interface shows and admins change them. A change applies to new
 * submissions and dispatch rounds within {@code dispatch.counts-max-age}; tasks already running go on.
 */
@Service
public class UserQuotas {

    private static final int HIGHEST_LIMIT = 10_000_000;

    private final QuotaStore quotas;
    private final DispatchStore dispatch;
    private final GatewayProperties.Quotas defaults;

    UserQuotas(QuotaStore quotas, DispatchStore dispatch, GatewayProperties properties) {
        this.quotas = quotas;
        this.dispatch = dispatch;
        this.defaults = properties.quotas();
    }

    /** The user's limits and their tasks counted against them; 404 if there is no such user. */
    public QuotaView of(long userId) {
        QuotaChange own = quotas.own(userId).orElseThrow(() -> noSuchUser(userId));
        OwnerLoad load = dispatch.ownerLoad(userId, defaults.maxRunning(), defaults.maxQueued());
        return new QuotaView(userId, load.maxRunning(), load.maxQueued(), own.maxRunning(), own.maxQueued(),
                load.inFlight(), load.waiting());
    }

    /** Replaces the user's own limits (null: the default); 400 for a limit below 1, 404 for no such user. */
    public QuotaView set(long userId, QuotaChange change) {
        if (change == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "a body with maxRunning and maxQueued is required");
        }
        check("maxRunning", change.maxRunning());
        check("maxQueued", change.maxQueued());
        if (!quotas.set(userId, change)) {
            throw noSuchUser(userId);
        }
        return of(userId);
    }

    private static void check(String name, Integer value) {
        if (value != null && (value < 1 || value > HIGHEST_LIMIT)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, name + " must be between 1 and " + HIGHEST_LIMIT
                    + ", or null for the default");
        }
    }

    private static ApiException noSuchUser(long id) {
        return new ApiException(HttpStatus.NOT_FOUND, "no user with id " + id);
    }
}
