using System.Globalization;
using System.Security;
using System.Text;

namespace OpenClaw.Cli.Commands;

/// <summary>The files <c>openclaw plugin new</c> writes: a project, a plugin class and its <c>plugin.json</c>.</summary>
internal static class PluginTemplate
{
    /// <summary><c>my-plugin</c> becomes <c>MyPlugin</c>.</summary>
    public static string PascalCase(string name) =>
        string.Concat(name.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>File name to content, for a plugin called <paramref name="name"/> compiled against the SDK at <paramref name="sdkAssembly"/>.</summary>
    public static IReadOnlyDictionary<string, string> Files(string name, string sdkAssembly)
    {
        var pascal = PascalCase(name);
        var project = pascal + "Plugin";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [project + ".csproj"] = Project(sdkAssembly),
            [project + ".cs"] = PluginClass(name, project),
            ["plugin.json"] = Manifest(name, project),
            [".gitignore"] = "bin/\nobj/\n",
        };
    }

    private static string Project(string sdkAssembly) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <!-- An OpenClaw plugin. Build and pack it with `openclaw plugin pack .`; check the package with `openclaw plugin validate`. -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <!-- The plugin SDK this project compiles against; override with -p:OpenClawSdkAssembly=/path/to/OpenClaw.Plugins.Sdk.dll. -->
            <OpenClawSdkAssembly Condition="'$(OpenClawSdkAssembly)' == ''">{SecurityElement.Escape(sdkAssembly)}</OpenClawSdkAssembly>
          </PropertyGroup>
          <ItemGroup>
            <!-- Provided by the OpenClaw sandbox at run time: compile against it, never ship a copy. -->
            <Reference Include="OpenClaw.Plugins.Sdk" HintPath="$(OpenClawSdkAssembly)" Private="false" />
            <PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="10.0.0" ExcludeAssets="runtime" />
          </ItemGroup>
        </Project>

        """;

    private static string PluginClass(string name, string className) => $$"""
        using System.Text.Json.Nodes;
        using Microsoft.Extensions.Logging;
        using OpenClaw.Plugins.Sdk;

        namespace {{className}};

        /// <summary>Echoes a message back. Replace with what your plugin does.</summary>
        /// <remarks>
        /// It runs in the OpenClaw sandbox: no network unless plugin.json asks for the "network" permission, a private scratch
        /// folder as the working directory, and the memory and CPU limits of plugin.json's "resources".
        /// </remarks>
        [Plugin("{{name}}", Description = "Echoes a message back.", Category = "general", Tags = ["example"])]
        public sealed class {{className}} : Plugin
        {
            public override PluginSchema InputSchema => PluginSchema.Of(
                new PluginField("message", "string", Required: true, Description: "The text to echo."));

            public override PluginSchema OutputSchema => PluginSchema.Of(
                new PluginField("message", "string", Description: "The same text."),
                new PluginField("length", "integer", Description: "Its length in characters."));

            public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
            {
                var message = inputs["message"]?.GetValue<string>()
                    ?? throw new PluginException("Input 'message' is required.", retryable: false);
                context.Logger.LogInformation("Echoing {Length} characters", message.Length);
                return ValueTask.FromResult(new JsonObject { ["message"] = message, ["length"] = message.Length });
            }

            // Lifecycle hooks run in the sandbox too; what they print is kept as their log.
            public override ValueTask OnInstallAsync(CancellationToken cancellationToken = default)
            {
                Console.WriteLine("{{name}} installed");
                return ValueTask.CompletedTask;
            }
        }

        """;

    private static string Manifest(string name, string project)
    {
        var json = new StringBuilder();
        json.AppendLine("{");
        json.AppendLine(CultureInfo.InvariantCulture, $"  \"name\": \"{name}\",");
        json.AppendLine("  \"version\": \"0.1.0\",");
        json.AppendLine("  \"description\": \"Echoes a message back.\",");
        json.AppendLine("  \"author\": \"\",");
        json.AppendLine("  \"category\": \"general\",");
        json.AppendLine("  \"tags\": [\"example\"],");
        json.AppendLine("  \"dependencies\": [],");
        json.AppendLine("  \"permissions\": [],");
        json.AppendLine("  \"resources\": { \"memory_mb\": 256, \"cpu_time_seconds\": 10 },");
        json.AppendLine(CultureInfo.InvariantCulture, $"  \"entry\": {{ \"assembly\": \"{project}.dll\", \"type\": \"{project}.{project}\" }}");
        json.AppendLine("}");
        return json.ToString();
    }
}
