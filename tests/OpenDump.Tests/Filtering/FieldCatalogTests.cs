using Google.Protobuf.Reflection;
using OpenDump.Decoding;
using OpenDump.Filtering;
using OpenDump.Tests.EndToEnd;
using Xunit;

namespace OpenDump.Tests.Filtering;

public sealed class FieldCatalogTests
{
    [Fact]
    public void The_top_level_names_are_the_keys_of_the_json_output_in_order()
    {
        var frame = SdkCaptureTests.Decode("plain", withKey: false).Frames[0];
        var keys = SdkCaptureTests.ToJson(frame).Select(p => p.Key);
        Assert.Equal(keys, FieldCatalog.TopLevel.Select(f => f.Path).Where(p => !p.Contains('[')));
        Assert.Equal(["diagnostics[*].code", "diagnostics[*].severity", "diagnostics[*].message"], FieldCatalog.TopLevel.Select(f => f.Path).Where(p => p.Contains('[')));
        Assert.All(FieldCatalog.TopLevel, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
        Assert.Equal("direction: c2s, s2c", FieldCatalog.TopLevel.Single(f => f.Path == "dir").Description);
        Assert.All(FieldCatalog.TopLevel, f => FilterExpression.Parse($"{f.Path} == null"));
    }

    [Fact]
    public void A_protocol_lists_its_request_and_response_paths_with_their_types()
    {
        var paths = FieldCatalog.BodyPaths(ProtoRegistry.Default.Find("Qot_GetBasicQot")!);
        var byPath = paths.ToDictionary(p => p.Path);

        Assert.Equal("string", byPath["body.s2c.basicQotList[*].security.code"].Type);
        Assert.Equal("Qot_Common.BasicQot", byPath["body.s2c.basicQotList[*]"].Type);
        Assert.Equal("repeated", byPath["body.s2c.basicQotList[*]"].Description);
        Assert.Equal("double", byPath["body.s2c.basicQotList[*].curPrice"].Type);
        Assert.Equal("string", byPath["body.c2s.securityList[*].code"].Type);
        Assert.Equal(("int32", "required"), (byPath["body.retType"].Type, byPath["body.retType"].Description));
        Assert.Equal("optional", byPath["body.retMsg"].Description);
        // Request first, then Response, each in declaration order.
        Assert.Equal("body.c2s", paths[0].Path);
        Assert.True(paths.ToList().FindIndex(p => p.Path == "body.retType") > paths.ToList().FindLastIndex(p => p.Path.StartsWith("body.c2s", StringComparison.Ordinal)));

        // Every path listed is one a filter accepts and Validate finds in a schema.
        var filter = FilterExpression.Parse(string.Join(" or ", paths.Select(p => p.Path)));
        Assert.Empty(filter.Validate(ProtoRegistry.Default));
    }

    [Fact]
    public void Enums_show_their_names_and_numbers()
    {
        var type = FieldCatalog.BodyPaths(ProtoRegistry.Default.Find("GetGlobalState")!).Single(p => p.Path == "body.s2c.programStatus.type");
        Assert.Equal("enum Common.ProgramStatusType", type.Type);
        Assert.StartsWith("required; by name or number: ProgramStatusType_None=0, ", type.Description, StringComparison.Ordinal);
        Assert.Contains("ProgramStatusType_Ready=10", type.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recursive_message_is_listed_once_and_not_expanded_again()
    {
        // No OpenD schema is recursive; protobuf's own descriptor.proto is.
        var paths = FieldCatalog.BodyPaths(new ProtoInfo(0, "Test", DescriptorProto.Descriptor, null));
        var nested = Assert.Single(paths, p => p.Path == "body.nestedType[*]");
        Assert.Equal("google.protobuf.DescriptorProto", nested.Type);
        Assert.EndsWith("(recursive: not expanded)", nested.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(paths, p => p.Path.StartsWith("body.nestedType[*].", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.Path == "body.field[*].options.ctype");
    }

    [Fact]
    public void Every_protocol_lists_paths_no_deeper_than_the_limit()
    {
        foreach (var proto in ProtoRegistry.Default.All)
        {
            // A few SkillWrap protocols have a field of the same name in their Request and their Response.
            var request = FieldCatalog.BodyPaths(new ProtoInfo(proto.Id, proto.Name, proto.Request, null));
            var response = FieldCatalog.BodyPaths(new ProtoInfo(proto.Id, proto.Name, null, proto.Response));
            Assert.Equal(request.Concat(response), FieldCatalog.BodyPaths(proto));
            foreach (var paths in new[] { request, response })
            {
                Assert.Equal(paths.Count, paths.Select(p => p.Path).Distinct().Count());
                Assert.All(paths, p => Assert.True(p.Path.Count(c => c == '.') <= 8, p.Path));
            }
            if (proto.Response is not null) Assert.Contains(response, p => p.Path == "body.retType");
        }
    }
}
