package io.taskhive.system;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import tools.jackson.databind.JsonNode;

/**
 * A headless Chromium (Debian's, driven through its own chromedriver; nothing is downloaded) on the
 * web client, with what the tests look at: every request the page made (from the browser's
 * performance log), its console, screenshots under target/screenshots, and an axe-core check.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(setting("taskhive.test.chromium", "CHROME_BIN", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(setting("taskhive.test.chromedriver", "CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** The browsers' time zone: not UTC, and half an hour off whole hours, so shown times prove the conversion. */
    static final String TIME_ZONE = "America/St_Johns";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String AXE = "/META-INF/resources/webjars/axe-core/" + axeVersion() + "/axe.min.js";

    private final ChromeDriver driver;
    private final String baseUrl;
    private final List<JsonNode> requests = new ArrayList<>();
    private final List<LogEntry> console = new ArrayList<>();

    /** Fails (never skips) when the browser is missing: these tests are part of the build's proof. */
    static void requireInstalled() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("The web client's browser tests need Chromium and its driver: " + CHROMIUM
                    + " and " + CHROMEDRIVER + " must exist. Install them with `apt-get install -y chromium "
                    + "chromium-driver` (Debian), or point -Dtaskhive.test.chromium / -Dtaskhive.test.chromedriver "
                    + "(or CHROME_BIN / CHROMEDRIVER) at a matching pair.");
        }
    }

    Browser(String baseUrl, int width, int height) {
        this.baseUrl = baseUrl;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--lang=en-US", "--window-size=" + width + "," + height, "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withEnvironment(java.util.Map.of("TZ", TIME_ZONE)).build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens the page at this hash route (#/tasks) in a fresh load. */
    void open(String hash) {
        driver.get(baseUrl + "/" + hash);
    }

    /** Goes to a route within the loaded page, as a link would (no reload). */
    void route(String hash) {
        script("location.hash = arguments[0]", hash);
    }

    WebElement find(String css) {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    void type(String css, String text) {
        WebElement input = find(css);
        input.clear();
        input.sendKeys(text);
    }

    void select(String css, String value) {
        new Select(find(css)).selectByValue(value);
    }

    /** Clicks the element once it can be clicked, finding it again if the page re-rendered it meanwhile. */
    void click(String css) {
        waitFor(d -> {
            WebElement element = d.findElement(By.cssSelector(css));
            if (!element.isDisplayed() || !element.isEnabled()) {
                return null;
            }
            element.click();
            return true;
        });
    }

    void awaitText(String css, String text) {
        awaitText(css, text, WAIT);
    }

    void awaitText(String css, String text, Duration timeout) {
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text), timeout);
    }

    void awaitHeading(String text) {
        awaitText("main h1", text);
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        return waitFor(condition, WAIT);
    }

    <T> T waitFor(Function<WebDriver, T> condition, Duration timeout) {
        // live updates re-render rows: an element found a moment ago may be gone, so look again
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class).ignoring(ElementClickInterceptedException.class)
                .until(condition::apply);
    }

    Object script(String source, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(source, arguments);
    }

    /** Logs in through the login form. */
    void logIn(String username, String password) {
        open("#/login");
        awaitHeading("Log in");
        type("#login-username", username);
        type("#login-password", password);
        click("#login button[type=submit]");
        waitFor(d -> !d.getCurrentUrl().endsWith("#/login"));
    }

    /** The token the page holds (for checking where it went). */
    String token() {
        Object stored = script("return sessionStorage.getItem('taskhive.session')");
        return stored == null ? null : ApiClient.JSON.readTree(stored.toString()).get("token").stringValue();
    }

    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every request the page has sent so far: {url, method, headers}. */
    List<JsonNode> requests() {
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = ApiClient.JSON.readTree(entry.getMessage()).get("message");
            String method = message.get("method").stringValue();
            if (method.equals("Network.requestWillBeSent") || method.equals("Network.requestWillBeSentExtraInfo")) {
                JsonNode params = message.get("params");
                requests.add(params.has("request") ? params.get("request") : params);
            }
        }
        return List.copyOf(requests);
    }

    /** The browser console so far (errors, CSP reports, warnings). */
    List<LogEntry> console() {
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return List.copyOf(console);
    }

    /** axe-core's WCAG 2 A/AA violations on the page as it is now. */
    JsonNode accessibilityViolations() {
        try (InputStream axe = Browser.class.getResourceAsStream(AXE)) {
            if (axe == null) {
                throw new IllegalStateException("axe-core is not on the test classpath at " + AXE);
            }
            script(new String(axe.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Object result = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                    .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact,
                        help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))))
                    .catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e)}])));
                """);
        return ApiClient.JSON.readTree(result.toString());
    }

    private static String axeVersion() {
        try (InputStream pom = Browser.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (pom != null) {
                properties.load(pom);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String setting(String property, String environment, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
