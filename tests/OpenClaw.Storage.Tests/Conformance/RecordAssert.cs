using System.Text.Json;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>
/// Compares records by value. Records holding <see cref="JsonElement"/> do not compare equal by default (the element
/// compares its document reference), so both sides are serialized and the JSON compared.
/// </summary>
public static class RecordAssert
{
    public static void Equal<T>(T expected, T actual) => Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    public static void Equal<T>(IEnumerable<T> expected, IEnumerable<T> actual) =>
        Assert.Equal(expected.Select(e => JsonSerializer.Serialize(e)), actual.Select(a => JsonSerializer.Serialize(a)));
}
