package dev.mcpaudit.proxy.bench;

import dev.mcpaudit.fixtures.SigV4TestClient;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The least any stdio-to-HTTP proxy in Java does, for the latency benchmark's floor: each line read
 * from stdin is signed (the same signer as the direct baseline) and POSTed as it is to an existing
 * MCP session on a thread of its own, and the answer's body is written back as one line. No JSON
 * parsing, no routing, no profiles, no session management, no error handling, no audit: it only
 * works for requests that the fake answers with one line of JSON.
 *
 * <p>Arguments: {@code ENDPOINT SESSION_ID ACCESS_KEY_ID SECRET_KEY REGION SERVICE}.
 */
public final class MinimalForwarder {
    private MinimalForwarder() {}

    public static void main(String[] args) throws Exception {
        URL url = new URL(args[0]);
        String session = args[1];
        SigV4TestClient signer = new SigV4TestClient(args[2], args[3], null, args[4], args[5]);
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        ExecutorService requests = Executors.newCachedThreadPool();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            byte[] body = line.getBytes(StandardCharsets.UTF_8);
            requests.execute(() -> {
                try {
                    byte[] answer = (ProxyLatencyBench.post(signer, url, session, body).strip() + "\n")
                            .getBytes(StandardCharsets.UTF_8);
                    synchronized (out) {
                        out.write(answer);
                        out.flush();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
        }
        requests.shutdown();
    }
}
