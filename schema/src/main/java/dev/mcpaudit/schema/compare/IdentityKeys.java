package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.CanonicalJson;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Members that identify an element of an AWS result list, so that arrays are aligned by identity
 * rather than by position: "i-1 gone, i-2 stopped" instead of "i-1 renamed i-2, last one removed".
 * The one place this list lives.
 */
public final class IdentityKeys {
    /**
     * Tried in this order. A name qualifies for an array only when every element on both sides has
     * it, as a string or number, and its values are unique on each side; so a shared {@code VpcId}
     * of subnets never qualifies, and a container id late in the list is only a last resort.
     */
    public static final List<String> NAMES = List.of(
            "InstanceId", "Arn", "ARN", "Id", "Name", "Key", "FunctionName", "BucketName",
            "VolumeId", "SnapshotId", "NetworkInterfaceId", "SubnetId", "GroupId", "AllocationId",
            "RouteTableId", "InternetGatewayId", "NatGatewayId", "ReservationId",
            "DBInstanceIdentifier", "DBClusterIdentifier", "CacheClusterId", "ClusterName", "ClusterArn",
            "StackId", "StackName", "LogicalResourceId", "OutputKey", "ParameterKey", "ParameterName",
            "TableName", "RoleName", "RoleId", "UserName", "UserId", "PolicyName", "PolicyArn", "GroupName",
            "FunctionArn", "TopicArn", "QueueUrl", "KeyId", "AliasName", "SecretArn", "AlarmName",
            "LogGroupName", "logGroupName", "logStreamName", "TargetGroupArn", "LoadBalancerArn",
            "ImageId", "VpcId");

    private IdentityKeys() {}

    /** The first name that identifies every element of both arrays, or null when none does. */
    static String commonKey(JsonNode recorded, JsonNode actual) {
        if (recorded.isEmpty() || actual.isEmpty() || !recorded.get(0).isObject()) {
            return null;
        }
        for (String name : NAMES) {
            if (recorded.get(0).has(name) && identifies(recorded, name) && identifies(actual, name)) {
                return name;
            }
        }
        return null;
    }

    /** The identity of an element under a qualifying name, as canonical text (so 1 and 1.0 agree). */
    static String valueOf(JsonNode element, String name) {
        return CanonicalJson.canonicalize(element.get(name));
    }

    private static boolean identifies(JsonNode array, String name) {
        Set<String> seen = new HashSet<>();
        for (JsonNode element : array) {
            JsonNode value = element.isObject() ? element.get(name) : null;
            if (value == null || !(value.isTextual() || value.isNumber()) || !seen.add(valueOf(element, name))) {
                return false;
            }
        }
        return true;
    }
}
