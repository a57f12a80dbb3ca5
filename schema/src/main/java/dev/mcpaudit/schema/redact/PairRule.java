package dev.mcpaudit.schema.redact;

/**
 * Hides the value of a name/value pair whose name says secret: {@code {"name": "DB_PASSWORD",
 * "value": "…"}}, {@code ParameterKey=DBPassword,ParameterValue=…}, {@code OptionName=…,Value=…},
 * tags, in JSON, in shorthand and query strings, in Python and YAML. The name is judged by the key
 * rules; which members make a pair is {@link NameValuePairs}'s business.
 */
public record PairRule(String name) implements Rule {
    @Override
    public String type() {
        return "pair";
    }
}
