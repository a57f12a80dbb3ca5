package dev.mcpaudit.proxy.testing;

import dev.mcpaudit.fixtures.AwsProfileFiles;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the AWS SDK in this JVM at a test's profile files (it reads them from system properties) and
 * puts back what was there before.
 */
public final class SdkProfileFiles implements AutoCloseable {
    private final Map<String, String> saved = new HashMap<>();

    public SdkProfileFiles(AwsProfileFiles files) {
        files.systemProperties().forEach((key, value) -> {
            saved.put(key, System.getProperty(key));
            System.setProperty(key, value);
        });
    }

    @Override
    public void close() {
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }
}
