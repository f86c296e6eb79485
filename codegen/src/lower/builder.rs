//! The builder of each request: its name, a type parameter per required field, and the values
//! its doc example sets.

use super::registry::{NamedKind, Registry};
use crate::ident;
use crate::ir::{BuilderParam, Presence, RequestBuilder, SampleValue, StructDef, TypeRef};

/// Names a builder's code uses besides spec types; a type parameter must not hide them.
const USED_BY_BUILDER: &[&str] = &[
    "Box", "Default", "Into", "Missing", "None", "Option", "Self", "Some", "String", "Vec",
];

/// The builder of `request`, or `None` for a request without fields (nothing to build).
pub fn lower(registry: &Registry, request: &StructDef) -> Option<RequestBuilder> {
    if request.fields.is_empty() {
        return None;
    }
    let required: Vec<_> = request
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    let rust_name = format!("{}Builder", request.rust_name);
    // The builder and the request are named in the builder's own code.
    let mut taken: Vec<String> = vec![rust_name.clone(), request.rust_name.clone()];
    let params = required
        .iter()
        .map(|f| {
            let base = ident::pascal(f.rust_name.trim_start_matches("r#"))
                .unwrap_or_else(|_| "Field".to_owned());
            // A parameter named like a type would hide it inside the builder's impls.
            let mut name = base.clone();
            while registry.type_rust_name(&name).is_some()
                || USED_BY_BUILDER.contains(&name.as_str())
                || taken.contains(&name)
            {
                name.push_str("Field");
            }
            taken.push(name.clone());
            BuilderParam {
                field: f.rust_name.clone(),
                type_param: name,
            }
        })
        .collect();
    let example = required
        .iter()
        .map(|f| sample(registry, &f.ty))
        .collect::<Option<Vec<_>>>();
    Some(RequestBuilder {
        rust_name,
        required: params,
        example,
    })
}

fn sample(registry: &Registry, ty: &TypeRef) -> Option<SampleValue> {
    Some(match ty {
        TypeRef::String | TypeRef::Secret => SampleValue::Text,
        TypeRef::Boolean | TypeRef::Flag => SampleValue::Bool,
        TypeRef::Integer => SampleValue::Integer,
        TypeRef::Number => SampleValue::Number,
        TypeRef::Array(_) => SampleValue::EmptyList,
        TypeRef::Map(_) => SampleValue::Default,
        TypeRef::File => SampleValue::File,
        TypeRef::Named { rust_name, module } => match &registry.named_type(rust_name)?.kind {
            NamedKind::Object {
                all_optional: true, ..
            } => SampleValue::Default,
            NamedKind::Object { .. } => return None,
            NamedKind::Union { bare_variant, .. } => SampleValue::EnumVariant {
                enum_name: rust_name.clone(),
                module: module.clone(),
                variant: bare_variant.clone()?,
            },
            NamedKind::Enum { variants, .. } => SampleValue::EnumVariant {
                enum_name: rust_name.clone(),
                module: module.clone(),
                variant: variants.first()?.1.clone(),
            },
        },
    })
}
