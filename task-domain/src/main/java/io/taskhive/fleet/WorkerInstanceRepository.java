package io.taskhive.fleet;

import java.time.Instant;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface WorkerInstanceRepository extends JpaRepository<WorkerInstance, String> {

    /** Registers a worker or refreshes its heartbeat; a draining one keeps the time its drain began. */
    @Transactional
    @Modifying
    @Query(nativeQuery = true, value = """
            insert into workers (id, host, started_at, last_seen, running, capacity, draining_since)
            values (:id, :host, :startedAt, now(), :running, :capacity, case when :draining then now() end)
            on conflict (id) do update
               set last_seen = now(), running = excluded.running, capacity = excluded.capacity, stopped_at = null,
                   draining_since = case when :draining then coalesce(workers.draining_since, now()) end
            """)
    int heartbeat(@Param("id") String id, @Param("host") String host, @Param("startedAt") Instant startedAt,
            @Param("running") int running, @Param("capacity") int capacity, @Param("draining") boolean draining);

    @Transactional
    @Modifying
    @Query(nativeQuery = true, value = "update workers set stopped_at = now(), running = 0 where id = :id")
    int deregister(@Param("id") String id);

    /** Workers that stopped cleanly or were last heard of before {@code since}, most recent first. */
    @Query("select w from WorkerInstance w where w.lastSeen >= :since order by w.startedAt desc")
    List<WorkerInstance> seenSince(@Param("since") Instant since);
}
