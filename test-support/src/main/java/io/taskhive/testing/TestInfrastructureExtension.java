package io.taskhive.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link TestInfrastructure} of this test run, for a test class that registers it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();
 * ...
 * TestInfrastructure.Database database = infrastructure.newDatabase();
 * }</pre>
 *
 * The services are looked for once per run, by the first class that needs them, and kept in the
 * root context's store: every later class of the run (of the JVM, under Maven) shares them, and
 * JUnit closes them when the run ends, dropping the databases and namespaces handed out and stopping
 * whatever was started for the run (containers, embedded servers). Usable from {@code @BeforeAll}
 * methods and test instance fields on, not from static initializers.
 */
public final class TestInfrastructureExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(TestInfrastructureExtension.class);

    private volatile TestInfrastructure infrastructure;

    @Override
    public void beforeAll(ExtensionContext context) {
        infrastructure = context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(TestInfrastructure.class, key -> TestInfrastructure.start(), TestInfrastructure.class);
    }

    public TestInfrastructure infrastructure() {
        TestInfrastructure current = infrastructure;
        if (current == null) {
            throw new IllegalStateException("the test infrastructure is there from @BeforeAll on: register "
                    + "TestInfrastructureExtension in a static field with @RegisterExtension and use it no earlier");
        }
        return current;
    }

    /** A new, empty database; dropped when the test run ends. */
    public TestInfrastructure.Database newDatabase() {
        return infrastructure().newDatabase();
    }

    /** A new messaging namespace; its queues and exchanges are deleted when the test run ends. */
    public TestInfrastructure.Broker newBroker() {
        return infrastructure().newBroker();
    }

    /** Closes {@code resource} when the test run ends, before the services it may use. */
    public void closeAtEnd(AutoCloseable resource) {
        infrastructure().closeAtEnd(resource);
    }
}
