using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>Small helpers for talking JSON (and YAML) to the server.</summary>
public static class HttpJson
{
    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) => client.PostAsync(path, Json(json));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} response is not JSON: '{text}'", ex);
        }
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>Asserts an RFC 7807 answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        return body;
    }

    /// <summary>The keys of a validation problem's <c>errors</c> object.</summary>
    public static IReadOnlyList<string> ErrorKeys(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static MediaTypeHeaderValue MediaType(string value) => new(value);
}
