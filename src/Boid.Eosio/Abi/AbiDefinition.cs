using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boid.Eosio;

/// <summary>
/// A contract's ABI as published by <c>get_abi</c> or written by a contract compiler: type aliases, structs,
/// variants, actions and tables. Build an <see cref="AbiSerializer"/> from it to encode and decode data.
/// </summary>
public sealed record AbiDefinition
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The ABI version string.</summary>
    /// <value>Defaults to <c>eosio::abi/1.1</c>.</value>
    [JsonPropertyName("version")]
    public string Version { get; init; } = "eosio::abi/1.1";

    /// <summary>Type aliases.</summary>
    [JsonPropertyName("types")]
    public IReadOnlyList<AbiTypeAlias> Types { get; init; } = [];

    /// <summary>Structs.</summary>
    [JsonPropertyName("structs")]
    public IReadOnlyList<AbiStruct> Structs { get; init; } = [];

    /// <summary>Actions and the struct that is each one's data.</summary>
    [JsonPropertyName("actions")]
    public IReadOnlyList<AbiAction> Actions { get; init; } = [];

    /// <summary>Tables and their row types.</summary>
    [JsonPropertyName("tables")]
    public IReadOnlyList<AbiTable> Tables { get; init; } = [];

    /// <summary>Variants (ABI 1.1).</summary>
    [JsonPropertyName("variants")]
    public IReadOnlyList<AbiVariant> Variants { get; init; } = [];

    /// <summary>Action return types (ABI 1.2).</summary>
    [JsonPropertyName("action_results")]
    public IReadOnlyList<AbiActionResult> ActionResults { get; init; } = [];

    /// <summary>Parses ABI JSON.</summary>
    /// <param name="json">The ABI JSON text.</param>
    /// <returns>The ABI.</returns>
    /// <exception cref="AbiException">The text is not ABI JSON.</exception>
    public static AbiDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return Normalize(JsonSerializer.Deserialize<AbiDefinition>(json, JsonOptions));
        }
        catch (JsonException ex)
        {
            throw new AbiException($"ABI JSON is malformed: {ex.Message}", null, null, ex);
        }
    }

    /// <summary>Reads an ABI from a parsed JSON element (e.g. the <c>abi</c> member of a <c>get_abi</c> answer).</summary>
    /// <param name="element">The element.</param>
    /// <returns>The ABI.</returns>
    /// <exception cref="AbiException">The element is not ABI JSON.</exception>
    public static AbiDefinition FromJson(JsonElement element)
    {
        try
        {
            return Normalize(element.Deserialize<AbiDefinition>(JsonOptions));
        }
        catch (JsonException ex)
        {
            throw new AbiException($"ABI JSON is malformed: {ex.Message}", null, null, ex);
        }
    }

    /// <summary>Writes the ABI as JSON.</summary>
    /// <returns>The ABI JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static AbiDefinition Normalize(AbiDefinition? abi)
    {
        if (abi is null)
        {
            throw new AbiException("ABI JSON is null.", null, null);
        }

        // Missing arrays in the JSON arrive as null through init-only properties; make them empty.
        return abi with
        {
            Types = abi.Types ?? [],
            Structs = abi.Structs ?? [],
            Actions = abi.Actions ?? [],
            Tables = abi.Tables ?? [],
            Variants = abi.Variants ?? [],
            ActionResults = abi.ActionResults ?? [],
        };
    }
}

/// <summary>A type alias: <c>new_type_name</c> means <c>type</c>.</summary>
public sealed record AbiTypeAlias
{
    /// <summary>The alias.</summary>
    [JsonPropertyName("new_type_name")]
    public required string NewTypeName { get; init; }

    /// <summary>The aliased type (may carry <c>[]</c>, <c>?</c>).</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }
}

/// <summary>A struct: an optional base struct whose fields come first, then its own fields.</summary>
public sealed record AbiStruct
{
    /// <summary>The struct's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The base struct, or empty.</summary>
    /// <value>Defaults to empty (no base).</value>
    [JsonPropertyName("base")]
    public string Base { get; init; } = string.Empty;

    /// <summary>The fields, in wire order.</summary>
    [JsonPropertyName("fields")]
    public IReadOnlyList<AbiField> Fields { get; init; } = [];
}

/// <summary>A struct field.</summary>
public sealed record AbiField
{
    /// <summary>The field's name (the JSON member name).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The field's type, e.g. <c>name</c>, <c>asset[]</c>, <c>string?</c>, <c>uint64$</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }
}

/// <summary>An action and its data type.</summary>
public sealed record AbiAction
{
    /// <summary>The action name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The type of the action's data (usually a struct of the same name).</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The Ricardian contract text.</summary>
    /// <value>Defaults to empty.</value>
    [JsonPropertyName("ricardian_contract")]
    public string RicardianContract { get; init; } = string.Empty;
}

/// <summary>A table and its row type.</summary>
public sealed record AbiTable
{
    /// <summary>The table name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The index type.</summary>
    /// <value>Defaults to <c>i64</c>.</value>
    [JsonPropertyName("index_type")]
    public string IndexType { get; init; } = "i64";

    /// <summary>Key names.</summary>
    [JsonPropertyName("key_names")]
    public IReadOnlyList<string> KeyNames { get; init; } = [];

    /// <summary>Key types.</summary>
    [JsonPropertyName("key_types")]
    public IReadOnlyList<string> KeyTypes { get; init; } = [];

    /// <summary>The row type.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }
}

/// <summary>A variant: a value of one of several types, encoded as a varuint32 index and the value.</summary>
public sealed record AbiVariant
{
    /// <summary>The variant's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The alternatives, in index order.</summary>
    [JsonPropertyName("types")]
    public IReadOnlyList<string> Types { get; init; } = [];
}

/// <summary>An action's return type.</summary>
public sealed record AbiActionResult
{
    /// <summary>The action name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The type it returns.</summary>
    [JsonPropertyName("result_type")]
    public required string ResultType { get; init; }
}

/// <summary>
/// An ABI is inconsistent, or a value does not fit the ABI type it is encoded or decoded as.
/// <see cref="Path"/> names the value (e.g. <c>records[2].worker</c>) and <see cref="TypeName"/> its type.
/// </summary>
public sealed class AbiException : AntelopeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="path">The path to the offending value, if any.</param>
    /// <param name="typeName">The ABI type involved, if any.</param>
    /// <param name="innerException">The cause.</param>
    public AbiException(string message, string? path, string? typeName, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        TypeName = typeName;
    }

    /// <summary>The path to the offending value, e.g. <c>records[2].worker</c>; null for ABI consistency errors.</summary>
    public string? Path { get; }

    /// <summary>The ABI type involved.</summary>
    public string? TypeName { get; }
}
