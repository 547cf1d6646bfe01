package io.taskhive.system;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The module and package rules, so that the structure cannot drift back: which module may use which,
 * who writes the task rows, where the seed dialects live. Reads the compiled production classes of
 * every module (and, for SQL, their sources).
 */
class ArchitectureTest {

    /** A statement that writes the rows of a task or of its history. */
    private static final Pattern TASK_ROW_WRITE = Pattern.compile(
            "(?i)\\b(insert\\s+into|update|delete\\s+from)\\s+(tasks|task_transitions)\\b");

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.taskhive");
        assertThat(production.stream().map(c -> c.getPackageName()).distinct())
                .as("every module's classes are on this module's class path")
                .contains("io.taskhive.gateway", "io.taskhive.worker", "io.taskhive.task.store",
                        "io.taskhive.standalone", "io.taskhive.cli");
    }

    @Test
    void theGatewayAndTheWorkerNeverUseEachOther() {
        noClasses().that().resideInAPackage("io.taskhive.gateway..")
                .should().dependOnClassesThat().resideInAPackage("io.taskhive.worker..").check(production);
        noClasses().that().resideInAPackage("io.taskhive.worker..")
                .should().dependOnClassesThat().resideInAPackage("io.taskhive.gateway..").check(production);
    }

    @Test
    void whatTheServicesShareDependsOnNeitherService() {
        noClasses().that().resideInAnyPackage("io.taskhive.task..", "io.taskhive.messaging..", "io.taskhive.fleet..",
                "io.taskhive.batching..", "io.taskhive.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.taskhive.gateway..", "io.taskhive.worker..",
                        "io.taskhive.standalone..", "io.taskhive.cli..")
                .check(production);
    }

    @Test
    void theCliTalksToTheSystemOnlyOverItsInterfaces() {
        noClasses().that().resideInAPackage("io.taskhive.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.taskhive.gateway..", "io.taskhive.worker..",
                        "io.taskhive.task..")
                .check(production);
    }

    @Test
    void theSeedDialectsAreReachedOnlyThroughTheTcpServer() {
        classes().that().resideInAPackage("io.taskhive.gateway.tcp.legacy..")
                .should().onlyHaveDependentClassesThat().resideInAnyPackage("io.taskhive.gateway.tcp..")
                .check(production);
    }

    @Test
    void nothingUsesJpaOrHibernate() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("jakarta.persistence..", "org.hibernate..",
                "org.springframework.data.jpa..").check(production);
    }

    @Test
    void theSharedPackagesHaveNoCycles() {
        slices().matching("io.taskhive.(*)..").should().beFreeOfCycles().check(production);
    }

    @Test
    void onlyTheStoreWritesTaskRows() throws IOException {
        Path root = Path.of(System.getProperty("taskhive.root", "..")).toAbsolutePath().normalize();
        Path store = root.resolve("task-domain/src/main/java/io/taskhive/task/store");
        // The benchmarks are not part of the product: like a test's set-up, the history benchmark
        // loads a year of finished tasks straight into its own scratch database.
        Path benchmarks = root.resolve("benchmarks");
        List<Path> writers;
        try (Stream<Path> sources = Files.walk(root)) {
            writers = sources.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .filter(p -> !p.startsWith(benchmarks))
                    .filter(ArchitectureTest::writesTaskRows)
                    .toList();
        }
        assertThat(writers).as("sources with a statement writing tasks or task_transitions").isNotEmpty()
                .allMatch(p -> p.startsWith(store));
    }

    private static boolean writesTaskRows(Path source) {
        try {
            return TASK_ROW_WRITE.matcher(Files.readString(source)).find();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
