package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.springframework.context.ConfigurableApplicationContext;

import io.taskhive.task.TaskStatus;
import io.taskhive.task.types.FlakyTask;
import io.taskhive.worker.WorkerApplication;
import tools.jackson.databind.JsonNode;

/**
 * The web client in a real browser (headless Chromium) against the running gateway and worker on
 * real PostgreSQL and RabbitMQ: what a user and an admin do with it, live updates over SSE, and the
 * page's security (CSP, no token in URLs, markup in data shown as text) and accessibility.
 * Screenshots land in target/screenshots.
 */
class WebClientBrowserTest extends ApiTestSupport {

    private static final List<Browser> browsers = new ArrayList<>();

    @BeforeAll
    static void browserInstalled() {
        Browser.requireInstalled();
    }

    @AfterAll
    static void closeBrowsers() {
        browsers.forEach(Browser::close);
    }

    private static Browser browser() {
        return browser(1280, 900);
    }

    private static Browser browser(int width, int height) {
        Browser browser = new Browser(system.baseUrl, width, height);
        browsers.add(browser);
        return browser;
    }

    @Test
    void registersLogsInAndLogsOut() {
        Browser browser = browser();
        browser.open("");
        browser.awaitHeading("Log in");

        browser.click("a[href='#/register']");
        browser.awaitHeading("Create an account");
        browser.type("#register-username", "x");
        browser.type("#register-password", "long enough password");
        browser.click("#register button[type=submit]");
        browser.awaitText("#register-error", "username");

        String username = "web" + UUID.randomUUID().toString().substring(0, 8);
        browser.type("#register-username", username);
        browser.click("#register button[type=submit]");
        browser.awaitHeading("My tasks");
        browser.awaitText("#who", username);
        browser.awaitText(".task-table .empty", "No tasks yet");

        browser.click("#logout");
        browser.awaitHeading("Log in");
        assertThat(browser.script("return sessionStorage.getItem('taskhive.session')")).isNull();

        browser.type("#login-username", username);
        browser.type("#login-password", "not the password");
        browser.click("#login button[type=submit]");
        browser.awaitText("#login-error", "username or password");

        browser.type("#login-password", "long enough password");
        browser.click("#login button[type=submit]");
        browser.awaitHeading("My tasks");
        // a reload keeps the session (sessionStorage), without asking again
        browser.open("#/tasks");
        browser.awaitHeading("My tasks");
    }

    @Test
    void aSleepGoesFromQueuedToRunningToSucceededWithoutAReload() {
        User user = newUser();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.awaitHeading("My tasks");
        browser.awaitText("#mine-live", "Live");
        recordStatusChanges(browser);

        browser.select("#task-type", "sleep");
        browser.type("#payload-seconds", "2");
        browser.click("#submit-form button[type=submit]");
        String taskId = submittedTaskId(browser);

        browser.waitFor(d -> "SUCCEEDED".equals(rowStatus(browser, taskId)), Duration.ofSeconds(30));
        // The row changes live, in lifecycle order. Its first status is QUEUED unless the worker's
        // RUNNING event reached the page before the submission's own answer: the row is then
        // created as RUNNING, and QUEUED never shows (the task page's history below still has it).
        assertThat(statusesShown(browser, taskId)).isIn(List.of("QUEUED", "RUNNING", "SUCCEEDED"),
                List.of("RUNNING", "SUCCEEDED"));
        assertThat(browser.script("return window.__sameDocument")).as("the page was not reloaded").isEqualTo(true);
        assertThat(browser.find("tr[data-task-id='" + taskId + "'] .cell-run").getText()).matches("2(\\.\\d)? s");
        assertThat(browser.find("#announcer").getDomAttribute("aria-live")).isEqualTo("polite");
        browser.screenshot("user-task-list");

        browser.click("tr[data-task-id='" + taskId + "'] a");
        browser.awaitText("#task-status", "SUCCEEDED");
        // times in the browser's zone
        assertThat(browser.find("#zone").getText()).contains(Browser.TIME_ZONE);
        java.time.Instant created = java.time.Instant.parse(
                api.get("/api/tasks/" + taskId, user.token()).json().get("createdAt").stringValue());
        assertThat(browser.find("dl.details time").getText()).contains(java.time.format.DateTimeFormatter
                .ofPattern("hh:mm:ss").withZone(java.time.ZoneId.of(Browser.TIME_ZONE)).format(created));
        assertThat(browser.all("#task-history li").stream().map(li -> li.getDomAttribute("data-status")))
                .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(browser.find("#task-payload").getText()).contains("\"seconds\": 2");
        assertThat(browser.find("#task-result").getText()).contains("\"slept\": 2");
        browser.screenshot("task-page");
    }

    @Test
    void cancelsARunningSleep() {
        User user = newUser();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.awaitText("#mine-live", "Live");
        browser.select("#task-type", "sleep");
        browser.type("#payload-seconds", "30");
        browser.click("#submit-form button[type=submit]");
        String taskId = submittedTaskId(browser);
        browser.waitFor(d -> "RUNNING".equals(rowStatus(browser, taskId)));

        browser.click("tr[data-task-id='" + taskId + "'] button.danger");
        browser.waitFor(d -> "CANCELLED".equals(rowStatus(browser, taskId)));
        awaitStatus(user, taskId, TaskStatus.CANCELLED, Duration.ofSeconds(10));

        browser.route("#/tasks/" + taskId);
        browser.awaitText("#task-status", "CANCELLED");
        assertThat(browser.all("#task-history li").stream().map(li -> li.getDomAttribute("data-status")))
                .contains("RUNNING", "CANCELLED");
        assertThat(browser.all(".task-page button")).as("no cancel or retry for a cancelled task").isEmpty();
    }

    @Test
    void aTaskScheduledForLaterWithAPriorityWaitsAsScheduledAndIsCancelledFromTheList() {
        User user = newUser();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.awaitText("#mine-live", "Live");
        java.time.ZonedDateTime runAt = java.time.ZonedDateTime.now(java.time.ZoneId.of(Browser.TIME_ZONE))
                .plusMinutes(10).withNano(0);
        browser.select("#task-type", "uppercase");
        browser.type("#payload-text", "later");
        browser.click("#submit-form details.options summary");
        browser.select("#priority", "7");
        // the local time, as the datetime-local input holds it (typing into it depends on the locale)
        browser.script("const input = document.querySelector('#run-at'); input.value = arguments[0];"
                + "input.dispatchEvent(new Event('input', { bubbles: true }));",
                runAt.toLocalDateTime().toString());
        browser.click("#submit-form button[type=submit]");
        String taskId = submittedTaskId(browser);
        browser.awaitText("#submit-form .notice", "scheduled for");
        browser.awaitText("#my-quotas", "1 waiting");
        assertThat(browser.find("#my-quotas").getText()).startsWith("Your limits: 1,000 tasks running at once, "
                + "100,000 waiting.");
        browser.waitFor(d -> "SCHEDULED".equals(rowStatus(browser, taskId)));
        JsonNode stored = api.get("/api/tasks/" + taskId, user.token()).json();
        assertThat(java.time.Instant.parse(stored.get("runAt").stringValue())).as("the browser's local time, as an instant")
                .isEqualTo(runAt.toInstant());
        assertThat(stored.get("priority").intValue()).isEqualTo(7);

        browser.click("tr[data-task-id='" + taskId + "'] button.danger");
        browser.waitFor(d -> "CANCELLED".equals(rowStatus(browser, taskId)));
        browser.route("#/tasks/" + taskId);
        browser.awaitText("#task-status", "CANCELLED");
        assertThat(browser.find("#task-priority").getText()).isEqualTo("7");
        assertThat(browser.find("#task-run-at").getText()).contains(java.time.format.DateTimeFormatter
                .ofPattern("hh:mm:ss").format(runAt));
        assertThat(browser.all("#task-history li").stream().map(li -> li.getDomAttribute("data-status")))
                .containsExactly("SCHEDULED", "CANCELLED");
    }

    @Test
    void aScheduleCreatedInThePageRunsIsPausedAndDeleted() {
        User user = newUser();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.click("a[data-nav='schedules']");
        browser.awaitHeading("My schedules");
        browser.awaitText("#schedules-heading", "Your schedules");
        browser.find("#schedule-form");
        browser.type("#schedule-name", "every two seconds");
        browser.select("#schedule-type", "uppercase");
        browser.script("document.querySelector('#schedule-payload').value = arguments[0];", "{\"text\": \"tic\"}");
        browser.type("#schedule-interval", "2");
        browser.click("#schedule-form button[type=submit]");
        browser.waitFor(d -> !browser.all("tr[data-schedule-id]").isEmpty());
        String row = "tr[data-schedule-id]";
        assertThat(browser.find(row + " th").getText()).isEqualTo("every two seconds");
        assertThat(browser.find(row + " .cell-state").getText()).isEqualTo("Active");
        assertThat(browser.all(row + " .cell-next li")).as("its next runs").hasSize(3);
        String id = browser.find(row).getDomAttribute("data-schedule-id");
        JsonNode created = api.get("/api/schedules/" + id, user.token()).json();
        assertThat(created.get("intervalSeconds").longValue()).isEqualTo(2);
        assertThat(created.get("task").get("payload").get("text").stringValue()).isEqualTo("tic");

        // the schedule's first task, once a slot has passed (the page shows it on its next reload)
        awaitCondition(() -> !api.get("/api/schedules/" + id, user.token()).json().get("lastTaskId").isNull());
        browser.click(row + " button.small:not(.danger)");
        browser.awaitText(row + " .cell-state", "Paused");
        assertThat(browser.find(row + " .cell-last a").getText()).startsWith("task ");
        assertThat(api.get("/api/schedules/" + id, user.token()).json().get("paused").booleanValue()).isTrue();

        browser.click(row + " button.danger");
        browser.waitFor(d -> browser.all("tr[data-schedule-id]").isEmpty());
        assertThat(api.get("/api/schedules/" + id, user.token()).status()).isEqualTo(404);

        browser.type("#schedule-name", "broken");
        browser.type("#schedule-cron", "every day please");
        browser.click("#schedule-form button[type=submit]");
        browser.awaitText("#schedule-form .form-error", "cron");
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 20 s").isLessThan(deadline);
            sleep(Duration.ofMillis(200));
        }
    }

    @Test
    void aTaskPageShowsItsHistoryAndRetriesAFailedTask() {
        User user = newUser();
        String key = "web-" + UUID.randomUUID();
        FlakyTask.failNext(key, 1);
        String taskId = submit(user, "flaky", Map.of("key", key)).get("id").stringValue();
        awaitStatus(user, taskId, TaskStatus.DEAD, Duration.ofSeconds(20));

        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.route("#/tasks/" + taskId);
        browser.awaitText("#task-status", "DEAD");
        assertThat(browser.find("#task-error").getText()).contains("planned failure");
        assertThat(browser.all("#task-history li").stream().map(li -> li.getDomAttribute("data-status")))
                .containsExactly("QUEUED", "RUNNING", "DEAD");

        browser.click(".task-page .actions button");
        browser.awaitText("#task-status", "SUCCEEDED");
        assertThat(browser.find("#task-result").getText()).contains(key);
        assertThat(browser.all("#task-history li").stream().map(li -> li.getDomAttribute("data-status")))
                .containsExactly("QUEUED", "RUNNING", "DEAD", "QUEUED", "RUNNING", "SUCCEEDED");
    }

    @Test
    void aReportsTaskPageOffersItsFileForDownload() {
        User user = newUser();
        String text = java.util.stream.IntStream.range(0, 300).mapToObj(i -> "w" + i)
                .collect(java.util.stream.Collectors.joining(" "));
        String taskId = submit(user, "report", Map.of("text", text)).get("id").stringValue();
        JsonNode task = awaitStatus(user, taskId, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));

        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.route("#/tasks/" + taskId);
        browser.awaitText("#task-status", "SUCCEEDED");
        assertThat(task.get("artifact").get("stored").stringValue()).isEqualTo("artifact");
        assertThat(browser.find("#task-download").getText()).startsWith("Download the file").contains("text/csv");
        // What the browser would save: the blob handed to the download link.
        browser.script("const original = URL.createObjectURL; URL.createObjectURL = blob => {"
                + " blob.text().then(t => { window.__downloaded = t; }); return original(blob); };");
        browser.click("#task-download");
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(driver -> browser.script("return window.__downloaded !== undefined").equals(true));
        String downloaded = (String) browser.script("return window.__downloaded");
        assertThat(downloaded).startsWith("rank,word,count,share_percent,first_offset\n").hasLineCount(301);
    }

    @Test
    void aPayloadOrResultHoldingMarkupIsShownAsText() {
        User user = newUser();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        String markup = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"><b>bold</b>";
        browser.select("#task-type", "named");
        browser.type("#payload-name", markup);
        browser.click("#submit-form button[type=submit]");
        String taskId = submittedTaskId(browser);
        awaitStatus(user, taskId, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));

        browser.route("#/tasks/" + taskId);
        browser.awaitText("#task-status", "SUCCEEDED");
        assertThat(browser.find("#task-payload").getText()).contains(markup.replace("\"", "\\\""));
        assertThat(browser.find("#task-result").getText()).contains(markup.replace("\"", "\\\""));
        assertThat(browser.all("main script, main img, main b")).isEmpty();
        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
    }

    @Test
    void anotherUserNeverSeesTheFirstUsersTasks() {
        User first = newUser();
        User second = newUser();
        String firstTask = submit(first, "uppercase", Map.of("text", "mine only")).get("id").stringValue();
        awaitStatus(first, firstTask, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));

        Browser mine = browser();
        mine.logIn(first.username(), first.password());
        mine.find("tr[data-task-id='" + firstTask + "']");

        Browser theirs = browser();
        theirs.logIn(second.username(), second.password());
        theirs.awaitText("#mine-live", "Live");
        theirs.awaitText(".task-table .empty", "No tasks yet");

        // while the second user watches live, the first one's task runs
        String another = submit(first, "sleep", Map.of("seconds", 0.5)).get("id").stringValue();
        mine.waitFor(d -> "SUCCEEDED".equals(rowStatus(mine, another)));
        assertThat(theirs.all("tr[data-task-id]")).isEmpty();
        assertThat(theirs.find(".task-table .empty").getText()).contains("No tasks yet");

        theirs.route("#/tasks/" + firstTask);
        theirs.awaitText(".task-page .empty", "There is no such task");
        assertThat(theirs.find("main").getText()).doesNotContain("MINE ONLY");
    }

    @Test
    void pastTheCountLimitTheListSaysAtLeastAndItsPagesGoOn() {
        User user = newUser();
        String model = submit(user, "uppercase", Map.of("text", "many")).get("id").stringValue();
        awaitStatus(user, model, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));
        // 1,050 more like it, older, written straight into the table: submitting them would take minutes
        assertThat(queryRows("""
                with copies as (
                    insert into tasks
                    select (jsonb_populate_record(t, jsonb_build_object('id', gen_random_uuid(),
                            'created_at', t.created_at - g * interval '1 millisecond'))).*
                      from tasks t cross join generate_series(1, 1050) g where t.id = ?
                    returning 1)
                select count(*) from copies
                """, UUID.fromString(model))).containsExactly("1050");

        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.awaitText(".task-table .page-info", "Page 1 of 50+ · 1,000+ tasks");
        browser.click(".task-table .pager button:last-child");
        browser.awaitText(".task-table .page-info", "Page 2 of 50+ · 1,000+ tasks");
        assertThat(browser.all("tr[data-task-id]")).hasSize(20);
    }

    @Test
    void theSubmitFormShowsTheGatewaysDetailNextToTheField() {
        User user = newUser();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.select("#task-type", "sleep");
        browser.type("#payload-seconds", "100000");
        browser.click("#submit-form button[type=submit]");
        browser.awaitText("#payload-seconds-error", "payload.seconds must be between 0 and");
        assertThat(browser.find("#payload-seconds").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find("#payload-seconds").getDomAttribute("aria-describedby")).contains("payload-seconds-error");
        assertThat(browser.all("tr[data-task-id]")).isEmpty();
    }

    @Test
    void thePageIsServedWithAStrictPolicyAndTheApiStaysProtected() {
        ApiClient.Response page = api.get("/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("<script type=\"module\" src=\"js/app.js\">").doesNotContain("<script>");
        String policy = page.header("Content-Security-Policy");
        assertThat(policy).isNotNull().contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
                "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(api.get("/js/app.js", null).header("Content-Security-Policy")).isEqualTo(policy);
        assertThat(api.get("/js/app.js", null).contentType()).startsWith("text/javascript");

        ApiClient.Response tasks = api.get("/api/tasks", null);
        assertThat(tasks.status()).isEqualTo(401);
        assertThat(tasks.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/admin/overview", null).status()).isEqualTo(401);
    }

    @Test
    void theTokenTravelsOnlyInAHeaderAndThePageBreaksNoPolicy() {
        User user = newUser();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.awaitText("#mine-live", "Live");
        browser.select("#task-type", "uppercase");
        browser.type("#payload-text", "hola");
        browser.click("#submit-form button[type=submit]");
        String taskId = submittedTaskId(browser);
        browser.route("#/tasks/" + taskId);
        browser.awaitText("#task-status", "SUCCEEDED");
        String token = browser.token();
        assertThat(token).isNotBlank();

        List<JsonNode> requests = browser.requests();
        assertThat(requests).isNotEmpty();
        assertThat(requests).allSatisfy(r -> assertThat(r.path("url").asString("")).doesNotContain(token));
        assertThat(requests).anySatisfy(r -> assertThat(r.path("url").asString("")).endsWith("/api/events"));
        assertThat(requests).anySatisfy(r -> assertThat(r.path("headers").toString()).contains("Bearer " + token));
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(token);
        List<String> problems = browser.console().stream().map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Refused to")).toList();
        assertThat(problems).as("CSP violations in the console").isEmpty();
    }

    @Test
    void isUsableAtPhoneWidthAndByKeyboard() {
        User user = newUser();
        submit(user, "uppercase", Map.of("text", "on a phone"));
        Browser phone = browser(375, 812);
        phone.logIn(user.username(), user.password());
        phone.find("tr[data-task-id]");
        assertThat(phone.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no horizontal scrolling at 375 px").isEqualTo(true);
        phone.screenshot("phone-task-list");

        // the skip link comes first and shows when focused; Tab then walks the form and the list, focus visible
        assertThat(phone.script("return document.querySelector('a, button, input, select, textarea').className"))
                .isEqualTo("skip-link");
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            new Actions(phone.driver()).sendKeys(Keys.TAB).perform();
            // one look at the focused element: a live update may move the focus between two
            List<?> focused = (List<?>) phone.script("""
                    const e = document.activeElement;
                    return [e === document.body, getComputedStyle(e).outlineStyle, e.outerHTML,
                            e.id || e.getAttribute('href') || e.textContent.trim()]""");
            if (Boolean.TRUE.equals(focused.get(0))) {
                break; // past the last control
            }
            assertThat(focused.get(1)).as("focus ring on %s", focused.get(2)).isNotEqualTo("none");
            reached.add(String.valueOf(focused.get(3)));
        }
        assertThat(reached).contains("task-type", "Submit task", "mine-status", "mine-type");
        assertThat(reached).anySatisfy(r -> assertThat(r).startsWith("payload-"));
        assertThat(reached).anySatisfy(r -> assertThat(r).startsWith("#/tasks/"));
        // every form control has a label
        assertThat((List<?>) phone.script("""
                return [...document.querySelectorAll('input, select, textarea')]
                    .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                    .map(e => e.id || e.name)""")).isEmpty();
    }

    @Test
    void aKeyboardUserKeepsTheirPlaceWhenTheFocusedButtonGoesWithALiveUpdate() {
        User user = newUser();
        // Submitted before the page opens, so that its row comes with the first page and no reload
        // rebuilds it later; long enough to outlast a browser's first start and login.
        String id = submit(user, "sleep", Map.of("seconds", 12)).get("id").stringValue();
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.awaitText("#mine-live", "Live");
        String row = "tr[data-task-id='" + id + "']";
        browser.find(row + " .cell-actions button");
        browser.script("document.querySelector(arguments[0]).focus()", row + " .cell-actions button");
        assertThat(browser.script("return document.activeElement.getAttribute('aria-label')"))
                .as("the task's Cancel button has the focus").isEqualTo("Cancel task " + id.substring(0, 8));

        browser.awaitText(row + " .cell-status", "SUCCEEDED", Duration.ofSeconds(40));
        assertThat(browser.script("return document.querySelectorAll(arguments[0]).length", row + " .cell-actions button"))
                .as("a finished task has no Cancel button").isEqualTo(0L);
        assertThat(browser.script("return document.activeElement === document.querySelector(arguments[0])",
                row + " th a")).as("the focus on the task's link, in %s",
                        browser.script("return document.activeElement.outerHTML")).isEqualTo(true);
    }

    @Test
    void aKeyboardUserKeepsTheirPlaceWhenTheListIsRebuiltAroundThem() {
        User user = newUser();
        String first = submit(user, "uppercase", Map.of("text", "first")).get("id").stringValue();
        awaitStatus(user, first, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));
        Browser browser = browser();
        browser.logIn(user.username(), user.password());
        browser.awaitText("#mine-live", "Live");
        String row = "tr[data-task-id='" + first + "']";
        browser.find(row + " th a");
        browser.script("document.querySelector(arguments[0]).focus();"
                + " document.querySelector(arguments[1]).dataset.shownBefore = 'yes'", row + " th a", row);

        // A task submitted elsewhere (another tab, the CLI) arrives on the first page: the page is
        // fetched again and every row rebuilt, the focused one included.
        String second = submit(user, "uppercase", Map.of("text", "second")).get("id").stringValue();
        browser.find("tr[data-task-id='" + second + "']");
        browser.waitFor(d -> Boolean.TRUE.equals(browser.script(
                "const row = document.querySelector(arguments[0]); return row !== null && !row.dataset.shownBefore", row)));
        assertThat(browser.script("return document.activeElement === document.querySelector(arguments[0])",
                row + " th a")).as("the focus on the same task's link, in %s",
                        browser.script("return document.activeElement.outerHTML")).isEqualTo(true);
    }

    @Test
    void thePagesPassAnAutomatedAccessibilityCheck() {
        User user = newUser();
        String taskId = submit(user, "word_count", Map.of("text", "three little words")).get("id").stringValue();
        awaitStatus(user, taskId, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));
        Browser browser = browser();
        browser.open("#/login");
        browser.awaitHeading("Log in");
        assertNoViolations(browser, "login");
        browser.type("#login-username", user.username());
        browser.type("#login-password", "wrong password here");
        browser.click("#login button[type=submit]");
        browser.find("#login-error");
        assertNoViolations(browser, "login with an error");

        browser.logIn(user.username(), user.password());
        browser.find("tr[data-task-id='" + taskId + "']");
        assertNoViolations(browser, "task list");
        browser.route("#/tasks/" + taskId);
        browser.awaitText("#task-status", "SUCCEEDED");
        assertNoViolations(browser, "task page");
        api.post("/api/schedules", user.token(), Map.of("name", "audit", "intervalSeconds", 3600,
                "task", Map.of("type", "uppercase", "payload", Map.of("text", "hi")), "paused", true));
        browser.route("#/schedules");
        browser.awaitHeading("My schedules");
        browser.find("tr[data-schedule-id]");
        browser.find("#schedule-form");
        assertNoViolations(browser, "schedules page");

        Browser admin = browser();
        admin.logIn(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD);
        admin.awaitHeading("Admin console");
        admin.find("table.workers");
        admin.find("tr[data-task-id]");
        assertNoViolations(admin, "admin console");
    }

    @Test
    void anAdminSeesTheWorkersAndRetriesAndCancelsAnyonesTasks() {
        ConfigurableApplicationContext secondWorker = startWorker("browser-worker-2");
        try {
            User owner = newUser();
            List<String> dead = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String key = "admin-" + UUID.randomUUID();
                FlakyTask.failNext(key, 1);
                dead.add(submit(owner, "flaky", Map.of("key", key)).get("id").stringValue());
            }
            for (String id : dead) {
                awaitStatus(owner, id, TaskStatus.DEAD, Duration.ofSeconds(20));
            }
            String sleeping = submit(owner, "sleep", Map.of("seconds", 30)).get("id").stringValue();
            awaitStatus(owner, sleeping, TaskStatus.RUNNING, Duration.ofSeconds(20));

            Browser admin = browser(1280, 1240);
            admin.logIn(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD);
            admin.awaitHeading("Admin console");
            admin.find("tr[data-worker-id='it-worker']");
            admin.find("tr[data-worker-id='browser-worker-2']");
            assertThat(Integer.parseInt(admin.find("#live-workers").getText())).isGreaterThanOrEqualTo(2);
            assertThat(admin.find("tr[data-worker-id='browser-worker-2'] td").getText()).isEqualTo("alive");
            assertThat(admin.find("#queue-depth").getText()).matches("\\d+");
            assertThat(admin.find("#outbox-backlog").getText()).matches("\\d+");
            admin.find("#throughput-chart");
            admin.find("#latency-chart");
            assertThat(Integer.parseInt(admin.find("#count-dead").getText())).isGreaterThanOrEqualTo(3);

            // everyone's tasks, filtered to this owner's: the running sleep, cancelled by the admin
            admin.type("#all-owner", String.valueOf(owner.id()));
            admin.click(".task-table .filters button[type=submit]");
            admin.waitFor(d -> "RUNNING".equals(rowStatus(admin, sleeping)));
            admin.click("tr[data-task-id='" + sleeping + "'] button.danger");
            admin.waitFor(d -> "CANCELLED".equals(rowStatus(admin, sleeping)));
            awaitStatus(owner, sleeping, TaskStatus.CANCELLED, Duration.ofSeconds(10));

            // one DEAD task retried from its row
            admin.waitFor(d -> "DEAD".equals(rowStatus(admin, dead.getFirst())));
            admin.click("tr[data-task-id='" + dead.getFirst() + "'] button");
            admin.waitFor(d -> "SUCCEEDED".equals(rowStatus(admin, dead.getFirst())));
            awaitStatus(owner, dead.getFirst(), TaskStatus.SUCCEEDED, Duration.ofSeconds(10));

            // the other two by filter
            admin.select("#bulk-status", "DEAD");
            admin.select("#bulk-type", "flaky");
            admin.type("#bulk-owner", String.valueOf(owner.id()));
            admin.click("#bulk-retry button[type=submit]");
            admin.awaitText("#bulk-result", "Queued again: 2 tasks");
            for (String id : dead.subList(1, 3)) {
                awaitStatus(owner, id, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));
                admin.waitFor(d -> "SUCCEEDED".equals(rowStatus(admin, id)));
            }
            // the overview's next refresh (every 5 s) counts them
            admin.waitFor(d -> Integer.parseInt(admin.find("#count-succeeded").getText()) >= 3, Duration.ofSeconds(15));
            admin.awaitText("#throughput-chart + .legend + .hint", "succeeded");
            admin.waitFor(d -> !admin.find("#throughput-chart + .legend + .hint").getText().contains(" 0 succeeded"),
                    Duration.ofSeconds(20));
            admin.script("window.scrollTo(0, 0)");
            admin.screenshot("admin-console");
        } finally {
            secondWorker.close();
        }
    }

    /** Another worker replica, wired like the running system's own. */
    private static ConfigurableApplicationContext startWorker(String id) {
        Map<String, Object> properties = new HashMap<>(system.database.springProperties());
        properties.putAll(system.broker.springProperties());
        properties.put("server.port", 0);
        properties.put("taskhive.tasks.named-duration", "100ms");
        properties.putAll(RunningSystem.FAST_RETRIES);
        properties.putAll(RunningSystem.FAST_FLEET);
        properties.put("taskhive.worker.id", id);
        return WorkerApplication.builder().registerShutdownHook(false).run(RunningSystem.arguments(properties));
    }

    private static void assertNoViolations(Browser browser, String page) {
        JsonNode violations = browser.accessibilityViolations();
        assertThat(violations.size()).as("axe-core violations on the %s page: %s", page, violations).isZero();
    }

    /** Every status the list shows for a task, in order, recorded by a MutationObserver as it changes. */
    private static void recordStatusChanges(Browser browser) {
        browser.script("""
                window.__sameDocument = true;
                window.__statuses = {};
                const record = () => {
                  for (const row of document.querySelectorAll('tr[data-task-id]')) {
                    const status = row.querySelector('.cell-status')?.textContent;
                    const seen = (window.__statuses[row.dataset.taskId] ||= []);
                    if (status && seen[seen.length - 1] !== status) seen.push(status);
                  }
                };
                new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
                """);
    }

    @SuppressWarnings("unchecked")
    private static List<String> statusesShown(Browser browser, String taskId) {
        return (List<String>) browser.script("return window.__statuses[arguments[0]] || []", taskId);
    }

    private static String rowStatus(Browser browser, String taskId) {
        Object status = browser.script("return document.querySelector(arguments[0])?.textContent ?? null",
                "tr[data-task-id='" + taskId + "'] .cell-status");
        return status == null ? null : status.toString();
    }

    private static String submittedTaskId(Browser browser) {
        WebElement link = browser.find("#submit-form .notice a");
        String href = link.getDomAttribute("href");
        String id = href.substring(href.lastIndexOf('/') + 1);
        browser.find("tr[data-task-id='" + id + "']");
        return id;
    }
}
