package io.provisioner.fault;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * The Kafka broker as a process of its own: {@code KafkaBrokerMain <dataDir> <port> <controllerPort>}. Writes
 * {@code <dataDir>/server.properties} (one KRaft node, broker and controller, the settings of the local run's
 * broker), formats {@code <dataDir>/kafka-logs} once, and hands over to {@code kafka.Kafka}, Kafka's own main.
 * SIGTERM is Kafka's clean shutdown; SIGKILL is a crash. Started again on the same folder and ports it keeps every
 * topic, acknowledged record and committed offset. Writes {@code <dataDir>/ready} once the port accepts connections.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    static Properties properties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("broker.session.timeout.ms", "1500");
        p.put("broker.heartbeat.interval.ms", "300");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("offsets.topic.num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "true");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        return p;
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Path logDir = dataDir.resolve("kafka-logs");
        Path config = dataDir.resolve("server.properties");
        Path ready = dataDir.resolve("ready");
        Files.createDirectories(logDir);
        Files.deleteIfExists(ready);
        try (OutputStream out = Files.newOutputStream(config)) {
            properties(logDir, port, controllerPort).store(out, "written by the fault suite");
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setIgnoreFormatted(true)
                    .run();
        }
        Thread readiness = new Thread(() -> {
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    Files.writeString(ready, "127.0.0.1:" + port);
                    System.out.println("KAFKA READY 127.0.0.1:" + port);
                    return;
                } catch (IOException e) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }, "ready-marker");
        readiness.setDaemon(true);
        readiness.start();
        kafka.Kafka.main(new String[] {config.toString()});
    }
}
