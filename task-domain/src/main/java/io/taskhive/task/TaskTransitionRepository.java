package io.taskhive.task;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface TaskTransitionRepository extends JpaRepository<TaskTransition, Long> {

    List<TaskTransition> findByTaskIdOrderByIdAsc(UUID taskId);
}
