// Local Neo4j server for brmgraph (`brmgraph neo4j start`), for machines without Docker.
//
// Runs the Neo4j Community DBMS from the Maven Central jars (see pom.xml) with:
//   * the Bolt connector on 127.0.0.1:<port> only (loopback), unencrypted;
//   * authentication disabled (safe only because it listens on loopback);
//   * home, data and logs under <home>;
//   * a small page cache (the JVM heap is set by the caller with -Xmx).
// Optional extra settings: <home>/conf/neo4j.conf (read if present, applied first).
//
// Usage: java <flags> -cp classes:lib/* BrmNeo4j <home> <port>
// Prints "BRMNEO4J READY <port>" once Bolt is up; SIGTERM shuts the DBMS down cleanly.
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

public final class BrmNeo4j {
    private BrmNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrmNeo4j <home> <port>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pageCacheMb = Long.getLong("brm.pagecache.mb", 128L);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        if (Files.isRegularFile(conf)) {
            builder.loadPropertiesFromFile(conf);
        }
        builder.setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.data_directory, home.resolve("data"))
                .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(10));

        final DatabaseManagementService dbms = builder.build();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("BRMNEO4J STOPPING");
            System.out.flush();
            try {
                dbms.shutdown();
            } finally {
                System.out.println("BRMNEO4J STOPPED");
                System.out.flush();
                stopped.countDown();
            }
        }, "brmneo4j-shutdown"));
        // Make sure the default database is online before announcing readiness.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("BRMNEO4J READY " + port);
        System.out.flush();
        stopped.await();
    }
}
