import java.lang.reflect.Field;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Runs DynamoDB Local in-process, listening on 127.0.0.1 only.
 *
 * DynamoDB Local's own main() binds Jetty to every interface and has no host flag.
 * We build the server exactly as its main() does (same command-line parsing), then
 * set the host of Jetty's connector before start(). DynamoDBProxyServer keeps the
 * Jetty Server in a private field, hence the reflection.
 *
 * Telemetry is never configured here (Telemetry.getTelemetry() stays empty), so
 * nothing is sent even if -disableTelemetry were forgotten.
 */
public final class DynamoDbLocalLauncher {
  private static final String HOST = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);

    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);

    Connector[] connectors = jetty.getConnectors();
    if (connectors.length == 0) fail("no Jetty connector found");
    for (Connector connector : connectors) {
      // Refuse to start rather than silently listen on every interface.
      if (!(connector instanceof AbstractNetworkConnector)) fail("unexpected connector " + connector);
      ((AbstractNetworkConnector) connector).setHost(HOST);
    }

    // start() swallows "address in use": it prints to stderr and stops Jetty, then the
    // JVM would linger. Exit instead so the Node side sees the failure at once.
    proxy.start();
    if (!jetty.isStarted()) fail("server did not start");

    // SIGTERM runs shutdown hooks: stop Jetty and close the SQLite files cleanly.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        proxy.stop();
      } catch (Exception ignored) {
        // The JVM is going down anyway.
      }
    }));

    int port = ((AbstractNetworkConnector) connectors[0]).getLocalPort();
    System.out.println("DynamoDB Local listening on " + HOST + ":" + port);

    // Node keeps our stdin open. When Node dies without calling stop(), the pipe closes:
    // exit instead of living on as an orphan that holds the port.
    while (System.in.read() != -1) {
      // Discard input.
    }
    System.exit(0);
  }

  private static void fail(String reason) {
    System.err.println("DynamoDbLocalLauncher: " + reason);
    System.exit(1);
  }
}
