package dev.mcpaudit.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version, stamped into the jar at build time; shared by both command-line tools. */
public final class ProductVersion {
    private static final String VERSION = load();

    private ProductVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ProductVersion.class.getResourceAsStream("version.properties")) {
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("version.properties is missing from the jar", e));
        }
    }
}
