using Xunit;

namespace OpenDump.Tests.Support;

/// <summary>
/// Tests that build the CLI with the SDK (pack, publish): they share the projects' obj folders, so they run one after
/// another, never side by side.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DotnetBuilds
{
    public const string Name = "dotnet builds";
}
