using System.Text.RegularExpressions;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests;

/// <summary>Every built-in plugin declares complete, valid metadata.</summary>
public sealed partial class BuiltInPluginsTests
{
    public static TheoryData<string> Names => new(BuiltInPlugins.Create().Select(p => p.Metadata.Name));

    private static Plugin Named(string name) => BuiltInPlugins.Create().Single(p => p.Metadata.Name == name);

    [Fact]
    public void Create_ReturnsTheFourBuiltIns_WithUniqueNames()
    {
        var names = BuiltInPlugins.Create().Select(p => p.Metadata.Name).ToList();

        Assert.Equal(["http-request", "transform", "log", "noop"], names);
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
    public void Plugins_DeclareTheirCategoryAndRequiredInputs(string name, string category, string[] required)
    {
        var metadata = Named(name).Metadata;

        Assert.Equal(category, metadata.Category);
        Assert.Equal(required, metadata.Inputs.Required);
        Assert.NotEmpty(metadata.Outputs.Fields);
    }

    [Fact]
    public void HttpRequest_AsksForNetworkAccess()
    {
        Assert.Contains(PluginPermissions.Network, Named("http-request").Metadata.Permissions);
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
