import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * The HTTP service the latency benchmark's backfill calls once per row: GET /enrich?id=N answers "enriched-N"
 * after a fixed delay, each request on a thread of its own, so that the service adds its delay and not a queue.
 * Started by benchmarks/parallel-latency.sh as a single-file program:
 *
 *   java -Xmx64m benchmarks/EnrichService.java PORT DELAY_MS
 */
public class EnrichService {

	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		long delayMs = Long.parseLong(args[1]);
		AtomicLong served = new AtomicLong();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
		server.createContext("/enrich", (exchange) -> {
			try {
				Thread.sleep(delayMs);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			String query = exchange.getRequestURI().getRawQuery();
			String id = (query != null && query.startsWith("id=")) ? query.substring(3) : "";
			byte[] body = ("enriched-" + id).getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
			served.incrementAndGet();
		});
		server.createContext("/served", (exchange) -> {
			byte[] body = Long.toString(served.get()).getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.setExecutor(Executors.newCachedThreadPool());
		server.start();
		System.out.println("enrich service on 127.0.0.1:" + port + ", " + delayMs + " ms per request");
	}

}
