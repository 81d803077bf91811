import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local with its Jetty connector bound to 127.0.0.1 only.
 * DynamoDB Local has no host option and listens on every interface by default;
 * the local stack must never be reachable from outside this machine.
 * Arguments are DynamoDB Local's own (-port, -inMemory, -dbPath, ...).
 */
public final class LoopbackDynamoDB {
    /**
     * The Node.js parent holds our stdin open; when it dies, even by SIGKILL, stdin reaches EOF
     * and this JVM exits instead of lingering as an orphan that keeps the port and the data files.
     */
    private static void exitWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // ignore anything written to us
                }
            } catch (Exception ignored) {
                // a broken pipe means the same as EOF
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        int bound = 0;
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector) {
                ((ServerConnector) connector).setHost("127.0.0.1");
                bound++;
            }
        }
        if (bound == 0) {
            throw new IllegalStateException("no Jetty connector found to bind to 127.0.0.1");
        }
        exitWhenParentGoes();
        proxy.start();
        System.out.println("yijian-dynamodb-ready");
        System.out.flush();
        proxy.join();
    }
}
