package io.taskhive.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code taskhive schedule create|list|get|pause|resume|delete}: recurring schedules, each slot of
 * which creates one task. Over TCP or REST, like the other commands.
 */
@Command(name = "schedule", description = "Recurring schedules: a task per slot of a cron or an interval.",
        subcommands = {ScheduleCommand.Create.class, ScheduleCommand.ListSchedules.class, ScheduleCommand.Get.class,
                ScheduleCommand.Pause.class, ScheduleCommand.Resume.class, ScheduleCommand.Delete.class})
final class ScheduleCommand {

    @ParentCommand
    TaskhiveCli cli;

    /** One line: id, name, cadence, and what comes next. */
    /** Pauses or resumes a schedule, and prints it as it is now. */
    int setPaused(String id, boolean paused) {
        try (TaskhiveClient client = cli.client(true)) {
            print(client.updateSchedule(id, TaskhiveCli.JSON.createObjectNode().put("paused", paused)));
            return 0;
        }
    }

    void print(JsonNode schedule) {
        if (cli.json) {
            cli.out().println(schedule);
            return;
        }
        String cadence = schedule.path("cron").isString()
                ? "cron '" + schedule.get("cron").asString() + "' " + schedule.path("timeZone").asString()
                : "every " + schedule.path("intervalSeconds").asLong() + "s";
        String next = schedule.path("paused").asBoolean() ? "paused"
                : schedule.path("nextRunAt").isString() ? "next " + schedule.get("nextRunAt").asString()
                : "no next run";
        cli.out().println(schedule.path("id").asString() + "  " + schedule.path("name").asString() + "  " + cadence
                + "  " + schedule.path("task").path("type").asString() + "  " + next);
    }

    @Command(name = "create", description = "Create a schedule, e.g. create --name nightly --cron '0 0 2 * * *' "
            + "--time-zone Europe/Madrid --type word_count --content 'uno dos'.")
    static final class Create implements Callable<Integer> {
        @ParentCommand ScheduleCommand schedule;
        @Option(names = {"-n", "--name"}, required = true) String name;
        @Option(names = "--cron",
                description = "six fields, seconds first ('0 0 9 * * MON-FRI'), or @hourly, @daily...") String cron;
        @Option(names = "--time-zone", description = "the cron's IANA time zone (default UTC)") String timeZone;
        @Option(names = "--every", paramLabel = "SECONDS", description = "instead of --cron: every so many seconds")
        Long everySeconds;
        @Option(names = {"-t", "--type"}, required = true, description = "the task type of each slot") String type;
        @Option(names = {"-c", "--content"}, description = "the task's text (or seconds, or name)") String content;
        @Option(names = "--payload", description = "the task's payload as JSON") String payload;
        @Option(names = "--priority", description = "0 to 9, of each slot's task (default 0)") Integer priority;
        @Option(names = "--missed", description = "SKIP (default), RUN_ONCE or RUN_ALL: what slots missed while no "
                + "gateway ran become") String missed;
        @Option(names = "--max-missed", description = "with RUN_ALL, the most missed slots that get a task")
        Integer maxMissed;
        @Option(names = "--paused", description = "create it paused") boolean paused;

        @Override
        public Integer call() {
            if ((cron == null) == (everySeconds == null)) {
                throw new CliException(2, "give either --cron or --every");
            }
            if ((content == null) == (payload == null)) {
                throw new CliException(2, "give either --content or --payload");
            }
            ObjectNode task = TaskhiveCli.JSON.createObjectNode().put("type", type);
            if (payload != null) {
                try {
                    task.set("payload", TaskhiveCli.JSON.readTree(payload));
                } catch (RuntimeException e) {
                    throw new CliException(2, "--payload is not valid JSON");
                }
            } else {
                task.put("content", content);
            }
            if (priority != null) {
                task.put("priority", priority);
            }
            ObjectNode body = TaskhiveCli.JSON.createObjectNode().put("name", name);
            if (cron != null) {
                body.put("cron", cron);
            }
            if (timeZone != null) {
                body.put("timeZone", timeZone);
            }
            if (everySeconds != null) {
                body.put("intervalSeconds", everySeconds);
            }
            body.set("task", task);
            if (missed != null) {
                body.put("missedRunPolicy", missed);
            }
            if (maxMissed != null) {
                body.put("maxMissedRuns", maxMissed);
            }
            if (paused) {
                body.put("paused", true);
            }
            try (TaskhiveClient client = schedule.cli.client(true)) {
                schedule.print(client.createSchedule(body));
                return 0;
            }
        }
    }

    @Command(name = "list", description = "Your schedules, oldest first.")
    static final class ListSchedules implements Callable<Integer> {
        @ParentCommand ScheduleCommand schedule;

        @Override
        public Integer call() {
            try (TaskhiveClient client = schedule.cli.client(true)) {
                JsonNode all = client.schedules();
                if (schedule.cli.json) {
                    schedule.cli.out().println(all);
                } else {
                    all.forEach(schedule::print);
                    schedule.cli.out().println(all.size() + " schedule(s)");
                }
                return 0;
            }
        }
    }

    @Command(name = "get", description = "One schedule, with its next run times.")
    static final class Get implements Callable<Integer> {
        @ParentCommand ScheduleCommand schedule;
        @Parameters(paramLabel = "SCHEDULE_ID") String id;

        @Override
        public Integer call() {
            try (TaskhiveClient client = schedule.cli.client(true)) {
                JsonNode found = client.schedule(id);
                schedule.print(found);
                if (!schedule.cli.json) {
                    found.path("nextRunTimes").forEach(at -> schedule.cli.out().println("  " + at.asString()));
                }
                return 0;
            }
        }
    }

    @Command(name = "pause", description = "Pause a schedule: no task until it is resumed.")
    static final class Pause implements Callable<Integer> {
        @ParentCommand ScheduleCommand schedule;
        @Parameters(paramLabel = "SCHEDULE_ID") String id;

        @Override
        public Integer call() {
            return schedule.setPaused(id, true);
        }
    }

    @Command(name = "resume", description = "Resume a schedule from its next slot.")
    static final class Resume implements Callable<Integer> {
        @ParentCommand ScheduleCommand schedule;
        @Parameters(paramLabel = "SCHEDULE_ID") String id;

        @Override
        public Integer call() {
            return schedule.setPaused(id, false);
        }
    }

    @Command(name = "delete", description = "Delete a schedule (the tasks it created stay).")
    static final class Delete implements Callable<Integer> {
        @ParentCommand ScheduleCommand schedule;
        @Parameters(paramLabel = "SCHEDULE_ID") String id;

        @Override
        public Integer call() {
            try (TaskhiveClient client = schedule.cli.client(true)) {
                JsonNode deleted = client.deleteSchedule(id);
                schedule.cli.out().println(schedule.cli.json ? deleted.toString()
                        : "deleted " + deleted.path("id").asString() + "  " + deleted.path("name").asString());
                return 0;
            }
        }
    }
}
