package io.taskhive.fleet;

import java.time.Instant;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface WorkerInstanceRepository extends JpaRepository<WorkerInstance, String> {

    /** Registers a worker or refreshes its heartbeat. */
    @Transactional
    @Modifying
    @Query(nativeQuery = true, value = """
            insert into workers (id, host, started_at, last_seen, running, capacity)
            values (:id, :host, :startedAt, now(), :running, :capacity)
            on conflict (id) do update
               set last_seen = now(), running = excluded.running, capacity = excluded.capacity, stopped_at = null
            """)
    int heartbeat(@Param("id") String id, @Param("host") String host, @Param("startedAt") Instant startedAt,
            @Param("running") int running, @Param("capacity") int capacity);

    @Transactional
    @Modifying
    @Query(nativeQuery = true, value = "update workers set stopped_at = now(), running = 0 where id = :id")
    int deregister(@Param("id") String id);

    /** Workers that stopped cleanly or were last heard of before {@code since}, most recent first. */
    @Query("select w from WorkerInstance w where w.lastSeen >= :since order by w.startedAt desc")
    List<WorkerInstance> seenSince(@Param("since") Instant since);
}
