// The checks validation runs, each a stable rule id carried by the problems it finds
// (Problem::rule). SARIF output declares one rule per id; GitHub annotations use it as title.
// Ids never change meaning: code-scanning alerts are tracked across runs by them.
#pragma once

#include <array>
#include <string_view>

namespace c4::rules {

inline constexpr std::string_view kYaml = "yaml";
inline constexpr std::string_view kFileNotRead = "file-not-read";
inline constexpr std::string_view kHeader = "header";
inline constexpr std::string_view kSchema = "schema";
inline constexpr std::string_view kValue = "value";
inline constexpr std::string_view kDuplicateObject = "duplicate-object";
inline constexpr std::string_view kUniqueValue = "unique-value";
inline constexpr std::string_view kReference = "reference";
inline constexpr std::string_view kRouting = "routing";
inline constexpr std::string_view kNumberClaimed = "number-claimed-twice";
inline constexpr std::string_view kSecretPolicy = "secret-policy";
inline constexpr std::string_view kLimit = "limit";
// A problem no check named (never expected; kept so output always has a rule).
inline constexpr std::string_view kManifest = "manifest";

struct RuleInfo {
  std::string_view id;
  std::string_view name;         // SARIF's PascalCase name
  std::string_view description;  // one sentence
};

inline constexpr std::array<RuleInfo, 13> kAllRules = {{
    {kYaml, "YamlSyntax", "The file is not valid YAML, or not UTF-8, or has a duplicate or non-scalar mapping key."},
    {kFileNotRead, "FileNotRead", "The file was not read: too large, a symbolic link, or over the file count limit."},
    {kHeader, "ManifestHeader", "The document is not a manifest: missing or unknown apiVersion or kind."},
    {kSchema, "JsonSchema", "The document breaks the JSON Schema of its kind (schemas/*.json)."},
    {kValue, "FieldValue", "A field holds a value c4confd cannot use: a bad IP, hostname, number, regex or time window."},
    {kDuplicateObject, "DuplicateObject", "Two documents declare the same object (kind, tenant, name)."},
    {kUniqueValue, "UniqueValue", "A value that must be unique (tenant UUID, SIP domain, token hash) is used twice."},
    {kReference, "Reference", "A reference names an object that does not exist, or one of another tenant."},
    {kRouting, "Routing", "The routing configuration is incomplete: a group without rules, a trunk listed twice."},
    {kNumberClaimed, "NumberClaimedTwice", "A phone number is claimed by two DIDs."},
    {kSecretPolicy, "SecretPolicy", "A passwordFrom reference is refused by the secret policy."},
    {kLimit, "Limit", "The revision crosses a size limit (YAML nodes, aliases, numbers, Redis keys)."},
    {kManifest, "Manifest", "A problem of the manifest."},
}};

}  // namespace c4::rules
