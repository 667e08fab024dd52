// Exposes the generated parser to the native `tree-sitter` Node binding.
#include <napi.h>

typedef struct TSLanguage TSLanguage;

extern "C" TSLanguage *tree_sitter_dg();

// "tree-sitter", "language" hashed with BLAKE2; the tag the binding checks before it trusts the pointer.
const napi_type_tag LANGUAGE_TYPE_TAG = {0x8AF2E5212AD58ABF, 0xD5006CAD83ABBA16};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports["name"] = Napi::String::New(env, "dg");
  auto language = Napi::External<TSLanguage>::New(env, tree_sitter_dg());
  language.TypeTag(&LANGUAGE_TYPE_TAG);
  exports["language"] = language;
  return exports;
}

NODE_API_MODULE(tree_sitter_dg_binding, Init)
