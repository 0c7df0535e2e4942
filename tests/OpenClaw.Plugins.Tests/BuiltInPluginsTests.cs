using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests;

/// <summary>Every built-in plugin declares complete, valid metadata.</summary>
public sealed partial class BuiltInPluginsTests
{
    private static IEnumerable<Plugin> All => BuiltInPlugins.Create().Concat(BuiltInPlugins.CreateSandboxed());

    public static TheoryData<string> Names => new(All.Select(p => p.Metadata.Name));

    private static Plugin Named(string name) => All.Single(p => p.Metadata.Name == name);

    [Fact]
    public void Create_ReturnsTheInProcessBuiltIns_WithUniqueNames()
    {
        var names = BuiltInPlugins.Create().Select(p => p.Metadata.Name).ToList();

        Assert.Equal(
            ["http-request", "web-scraping", "transform", "email", "database-query", "notification", "object-storage", "log", "noop"], names);
    }

    [Fact]
    public void CodePlugin_IsOnlyInTheSandboxedSet_AndSaysItRunsUntrustedCode()
    {
        var code = Assert.Single(BuiltInPlugins.CreateSandboxed()).Metadata;

        Assert.Equal("code", code.Name);
        Assert.DoesNotContain(BuiltInPlugins.Create(), p => p.Metadata.Name == "code");
        Assert.Contains("untrusted", code.Tags);
        Assert.Contains("code", code.Tags);
        Assert.Contains(PluginPermissions.Process, code.Permissions);
    }

    [Fact]
    public void CreateWithAFactory_BuildsTheSameSet()
    {
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var factory = services.GetRequiredService<IHttpClientFactory>();

        Assert.Equal(BuiltInPlugins.Create().Select(p => p.Metadata.Name), BuiltInPlugins.Create(factory).Select(p => p.Metadata.Name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Metadata_IsComplete(string name)
    {
        var metadata = Named(name).Metadata;

        Assert.Matches(KebabCase(), metadata.Name);
        Assert.Equal("1.0.0", metadata.Version);
        Assert.Matches(SemVer(), metadata.Version);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Description));
        Assert.Equal("OpenClaw", metadata.Author);
        Assert.Matches(KebabCase(), metadata.Category);
        Assert.NotEmpty(metadata.Tags);
        Assert.All(metadata.Permissions, p => Assert.Contains(p, PluginPermissions.All));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Schemas_DescribeEveryField_WithAKnownType(string name)
    {
        var metadata = Named(name).Metadata;
        string[] types = ["string", "number", "integer", "boolean", "object", "array", "any"];

        foreach (var field in metadata.Inputs.Fields.Concat(metadata.Outputs.Fields))
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", field.Name);
            Assert.Contains(field.Type, types);
            Assert.False(string.IsNullOrWhiteSpace(field.Description), $"{name}.{field.Name} has no description");
            if (field.Enum is { } values && field.Default is { } value) Assert.Contains((string)value!, values);
        }
        Assert.Equal("object", (string?)metadata.Inputs.ToJsonSchema()["type"]);
    }

    [Theory]
    [InlineData("http-request", "network", new[] { "url" })]
    [InlineData("transform", "data", new[] { "data" })]
    [InlineData("log", "core", new[] { "message" })]
    [InlineData("web-scraping", "data-collection", new[] { "url", "selector" })]
    [InlineData("code", "code", new[] { "code" })]
    [InlineData("email", "communication", new string[0])]
    [InlineData("database-query", "database", new[] { "query" })]
    [InlineData("notification", "communication", new[] { "channel", "message" })]
    [InlineData("object-storage", "storage", new[] { "operation" })]
    public void Plugins_DeclareTheirCategoryAndRequiredInputs(string name, string category, string[] required)
    {
        var metadata = Named(name).Metadata;

        Assert.Equal(category, metadata.Category);
        Assert.Equal(required, metadata.Inputs.Required);
        Assert.NotEmpty(metadata.Outputs.Fields);
    }

    [Theory]
    [InlineData("http-request", new[] { PluginPermissions.Network, PluginPermissions.Credentials })]
    [InlineData("web-scraping", new[] { PluginPermissions.Network, PluginPermissions.JavaScript })]
    [InlineData("code", new[] { PluginPermissions.Process, PluginPermissions.JavaScript })]
    [InlineData("email", new[] { PluginPermissions.Email, PluginPermissions.Network, PluginPermissions.Credentials })]
    [InlineData("database-query", new[] { PluginPermissions.Database, PluginPermissions.Network, PluginPermissions.Credentials })]
    [InlineData("notification", new[] { PluginPermissions.Network, PluginPermissions.Email, PluginPermissions.Credentials })]
    [InlineData("object-storage", new[] { PluginPermissions.Storage })]
    public void Plugins_AskForThePermissionsTheyUse(string name, string[] permissions)
    {
        Assert.Equal(permissions, Named(name).Metadata.Permissions);
    }

    [Fact]
    public void Noop_DeclaresEmptySchemas_BecauseItAcceptsAndReturnsAnything()
    {
        var metadata = Named("noop").Metadata;

        Assert.Equal("core", metadata.Category);
        Assert.Empty(metadata.Inputs.Fields);
        Assert.Empty(metadata.Outputs.Fields);
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
