using System.Text.RegularExpressions;
using OpenDump.Decoding;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Decoding;

/// <summary>The protoID table checked against the pinned futu-api package it claims to describe.</summary>
public sealed class ProtoRegistryTests
{
    private static string PackageDir => Path.Combine(Fixtures.RepoRoot, "protos", "node_modules", "futu-api");

    private static List<(uint Id, string Name)> PackageCmdIds()
    {
        var js = File.ReadAllText(Path.Combine(PackageDir, "main.js"));
        var table = js[js.IndexOf("export const ftCmdID", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n}\n", StringComparison.Ordinal)];
        return Regex.Matches(table, @"(\w+):\s*\{\s*cmd:\s*(\d+),\s*name:\s*'([^']+)'")
            .Select(m => (uint.Parse(m.Groups[2].Value), m.Groups[1].Value == "InitConnect" ? "InitConnect" : m.Groups[3].Value))
            .ToList();
    }

    [Fact]
    public void Every_id_in_the_package_list_is_in_the_table_under_the_same_name()
    {
        var listed = PackageCmdIds();
        Assert.Equal(145, listed.Count);
        foreach (var (id, name) in listed)
        {
            var info = ProtoRegistry.Default.Find(id);
            Assert.True(info is not null, $"protoID {id} ({name}) missing from the table");
            Assert.Equal(name, info.Name);
        }
    }

    [Fact]
    public void The_package_list_misnames_InitConnect_and_the_table_does_not()
    {
        var js = File.ReadAllText(Path.Combine(PackageDir, "main.js"));
        Assert.Matches(@"InitConnect:\s*\{\s*cmd:\s*1001,\s*name:\s*'GetGlobalState'", js);
        Assert.Equal("InitConnect", ProtoRegistry.Default.Find(1001)!.Name);
        Assert.Equal("InitConnect.Request", ProtoRegistry.Default.Find(1001)!.Request!.FullName);
    }

    [Fact]
    public void Every_protocol_schema_in_the_package_has_an_id_or_is_listed_as_having_none()
    {
        var files = Directory.GetFiles(Path.Combine(PackageDir, "proto"), "*.proto").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var withId = ProtoRegistry.Default.All.Select(p => p.Request?.File.Package ?? p.Response?.File.Package).Where(p => p is not null).ToHashSet();
        var accounted = withId.Concat(ProtoCatalog.SchemasWithoutProtoId).Concat(ProtoCatalog.CommonSchemas).ToHashSet();
        Assert.Empty(files.Where(f => !accounted.Contains(f)).Order());
        Assert.Equal(files.Count, ProtoRegistry.Default.SchemaFiles.Count);
    }

    [Fact]
    public void A_protocols_message_types_are_looked_up_when_first_asked_for_and_only_then()
    {
        var lookups = 0;
        var info = new ProtoInfo(3004, "Qot_GetBasicQot", () =>
        {
            lookups++;
            return (QotGetBasicQot.Request.Descriptor, QotGetBasicQot.Response.Descriptor);
        });
        Assert.Equal(("Qot_GetBasicQot", 3004u, false), (info.Name, info.Id, info.IsPush));
        Assert.Equal(0, lookups);
        Assert.Same(QotGetBasicQot.Response.Descriptor, info.For(clientToServer: false));
        Assert.Same(QotGetBasicQot.Request.Descriptor, info.Request);
        Assert.Same(QotGetBasicQot.Response.Descriptor, info.Response);
        Assert.Equal(1, lookups);

        // What the registry finds resolves to the same descriptors, the protocol's Request and Response.
        var found = ProtoRegistry.Default.Find(3004)!;
        Assert.Same(QotGetBasicQot.Request.Descriptor, found.Request);
        Assert.Same(QotGetBasicQot.Response.Descriptor, found.For(clientToServer: false));
    }

    [Fact]
    public void A_protoID_finds_the_same_entry_every_time_and_an_unknown_one_finds_none()
    {
        foreach (var (id, name) in PackageCmdIds())
        {
            var first = ProtoRegistry.Default.Find(id);
            Assert.NotNull(first);
            Assert.Equal(id, first.Id);
            Assert.Equal(name, first.Name);
            Assert.Same(first, ProtoRegistry.Default.Find(id));
        }
        var known = PackageCmdIds().Select(p => p.Id).ToHashSet();
        foreach (var id in new uint[] { 0, 1000, 3999, 16383, 16384, 70_000, uint.MaxValue }.Where(i => !known.Contains(i)))
        {
            Assert.Null(ProtoRegistry.Default.Find(id));
            Assert.Null(ProtoRegistry.Default.Find(id));
        }
    }

    [Fact]
    public void Finding_a_protoID_once_resolved_allocates_nothing()
    {
        // Every frame is looked up: a per-call allocation here was a tenth of what a frame cost the collector.
        var ids = PackageCmdIds().Select(p => p.Id).Concat([0u, 16384u, 70_000u]).ToArray();
        foreach (var id in ids) ProtoRegistry.Default.Find(id);
        var found = 0;
        var allocated = Allocations.OfQuietestRun(() =>
        {
            found = 0;
            for (var i = 0; i < 100; i++)
                foreach (var id in ids)
                    if (ProtoRegistry.Default.Find(id) is not null) found++;
        });
        Assert.Equal(100 * PackageCmdIds().Count(), found);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Every_entry_resolves_to_compiled_messages_except_ids_without_a_schema()
    {
        var unresolved = ProtoRegistry.Default.All.Where(p => p.Request is null && p.Response is null).Select(p => p.Name).ToList();
        // main.js lists Qot_GetTradeDate (3200) but the package ships no Qot_GetTradeDate.proto.
        Assert.Equal(["Qot_GetTradeDate"], unresolved);
        Assert.All(ProtoRegistry.Default.All.Where(p => p.Response is not null), p => Assert.NotNull(p.Response!.FindFieldByName("retType")));
    }

    [Fact]
    public void Pushes_have_responses_only()
    {
        foreach (var id in ProtoCatalog.PushIds)
        {
            var info = ProtoRegistry.Default.Find(id);
            Assert.NotNull(info);
            Assert.Null(info.Request);
            Assert.NotNull(info.Response);
        }
    }
}
