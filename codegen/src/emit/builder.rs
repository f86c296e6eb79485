//! The builder of a request, and the call example in the client method's docs.
//!
//! A builder has one type parameter per required field: the runtime's `Missing` until the field's
//! setter is called, the field's type after. `build()` is implemented only for the state with
//! every parameter set, so a forgotten required field does not compile. Optional fields start at
//! their default and have no parameter. Every setter is in one generic `impl` block, so the
//! builder's code grows with the number of fields, not with the number of states.

use super::runtime as rt;
use super::{ModuleCx, docs};
use crate::ident::to_ident;
use crate::ir::{Endpoint, FieldDef, Presence, SampleValue, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit_builder(cx: &ModuleCx<'_>, e: &Endpoint) -> TokenStream {
    let (Some(builder), request) = (&e.request_builder, &e.request) else {
        return quote!();
    };
    let request_ty = to_ident(&request.rust_name);
    let builder_ty = to_ident(&builder.rust_name);
    let param_of = |f: &FieldDef| {
        builder
            .required
            .iter()
            .find(|p| p.field == f.rust_name)
            .map(|p| format_ident!("{}", p.type_param))
    };
    let params: Vec<_> = builder
        .required
        .iter()
        .map(|p| format_ident!("{}", p.type_param))
        .collect();
    let generics = (!params.is_empty()).then(|| quote!(<#(#params),*>));
    // No defaults on the parameters: rustc would hide them, and an error for a forgotten field
    // names the builder's full type, `Missing` where the field is.
    let missing = rt::MISSING.tokens();
    let all_missing = params.iter().map(|_| missing.clone());
    let start_ty = (!params.is_empty()).then(|| quote!(<#(#all_missing),*>));
    let set_types: Vec<_> = request
        .fields
        .iter()
        .filter(|f| param_of(f).is_some())
        .map(|f| cx.type_tokens(&f.ty))
        .collect();
    let complete = (!set_types.is_empty()).then(|| quote!(<#(#set_types),*>));
    let fields: Vec<_> = request
        .fields
        .iter()
        .map(|f| to_ident(&f.rust_name))
        .collect();
    let storage = request.fields.iter().map(|f| {
        let name = to_ident(&f.rust_name);
        let ty = match param_of(f) {
            Some(param) => quote!(#param),
            None => field_type(cx, f),
        };
        quote!(#name: #ty,)
    });
    let starts = request.fields.iter().map(|f| {
        let name = to_ident(&f.rust_name);
        let value = match (&f.presence, param_of(f)) {
            (_, Some(_)) => missing.clone(),
            (Presence::Optional, None) => quote!(None),
            (Presence::DefaultValue(_), None) => {
                let function = super::model::default_fn_name(f);
                quote!(#request_ty::#function())
            }
            _ => quote!(Default::default()),
        };
        quote!(#name: #value,)
    });
    let allow = super::model::allow_deprecated(request);
    let setters = request.fields.iter().map(|f| {
        let name = to_ident(&f.rust_name);
        let docs = docs::outer(&f.docs);
        let deprecated = f.deprecated.as_deref().map(super::deprecated);
        let docs = quote!(#docs #deprecated);
        let (arg_ty, value) = setter_arg(cx, f, &name);
        match param_of(f) {
            Some(param) => {
                let next = params.iter().map(|p| {
                    if *p == param {
                        cx.type_tokens(&f.ty)
                    } else {
                        quote!(#p)
                    }
                });
                let moved = fields.iter().map(|other| {
                    if *other != name {
                        quote!(#other: self.#other,)
                    } else {
                        field_init(&name, &value)
                    }
                });
                quote! {
                    #docs
                    pub fn #name(self, #name: #arg_ty) -> #builder_ty<#(#next),*> {
                        #builder_ty { #(#moved)* }
                    }
                }
            }
            None => {
                let value = if f.presence == Presence::Optional {
                    quote!(Some(#value))
                } else {
                    value
                };
                quote! {
                    #docs
                    pub fn #name(mut self, #name: #arg_ty) -> Self {
                        self.#name = #value;
                        self
                    }
                }
            }
        }
    });
    let required_list = builder
        .required
        .iter()
        .map(|p| format!("`{}`", p.field.trim_start_matches("r#")))
        .collect::<Vec<_>>();
    let start_docs = docs::outer(&if required_list.is_empty() {
        "Starts building the request; every field is optional.".to_owned()
    } else {
        format!(
            "Starts building the request. Set {}, then call `build()`; the optional fields start at their defaults.",
            join_words(&required_list)
        )
    });
    let builder_docs = docs::outer(&builder_docs(cx, e, &required_list));
    let derives = super::derives::of_builder();
    quote! {
        impl #request_ty {
            #start_docs
            pub fn builder() -> #builder_ty #start_ty {
                #builder_ty { #(#starts)* }
            }
        }

        #builder_docs
        #derives
        #[must_use = "call `build()` to get the request"]
        pub struct #builder_ty #generics {
            #(#storage)*
        }

        impl #generics #builder_ty #generics {
            #(#setters)*
        }

        #allow
        impl #builder_ty #complete {
            /// The request, with every required field set.
            pub fn build(self) -> #request_ty {
                #request_ty { #(#fields: self.#fields,)* }
            }
        }
    }
}

/// `name: value,`, or the shorthand `name,` when the value is the variable of that name.
fn field_init(name: &proc_macro2::Ident, value: &TokenStream) -> TokenStream {
    if name == &value.to_string() {
        quote!(#name,)
    } else {
        quote!(#name: #value,)
    }
}

fn field_type(cx: &ModuleCx<'_>, f: &FieldDef) -> TokenStream {
    let ty = cx.type_tokens(&f.ty);
    match f.presence {
        Presence::Optional => quote!(Option<#ty>),
        _ => ty,
    }
}

/// The setter's parameter type, and the expression that turns the argument into the value.
fn setter_arg(
    cx: &ModuleCx<'_>,
    f: &FieldDef,
    name: &proc_macro2::Ident,
) -> (TokenStream, TokenStream) {
    match f.ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(#name.into())),
        TypeRef::Secret => {
            let secret = rt::SECRET.tokens();
            (quote!(impl Into<#secret>), quote!(#name.into()))
        }
        _ => (cx.type_tokens(&f.ty), quote!(#name)),
    }
}

fn builder_docs(cx: &ModuleCx<'_>, e: &Endpoint, required: &[String]) -> String {
    let request = &e.request.rust_name;
    if required.is_empty() {
        return format!("Builds a [`{request}`]; start with [`{request}::builder`].");
    }
    let mut text = format!(
        "Builds a [`{request}`]; start with [`{request}::builder`].\n\n\
         Each type parameter stands for a required field: [`Missing`]({missing}) until its \
         setter is called. `build()` exists only once every required field is set, so a \
         forgotten one is a compile error:",
        missing = rt::MISSING.doc_link(None)
    );
    let (Some(builder), Some(last)) = (&e.request_builder, required.last()) else {
        return text;
    };
    let Some(values) = &builder.example else {
        return text;
    };
    // The example of the method's docs, less its last required field.
    let setters: Vec<String> = builder
        .required
        .iter()
        .zip(values)
        .take(builder.required.len() - 1)
        .map(|(p, v)| format!("    .{}({})", p.field, sample_text(cx, v)))
        .collect();
    text.push_str(&format!(
        "\n\n```compile_fail\nlet request = {}::builder()\n{}{}    .build(); // {last} is not set\n```",
        cx.public_path(request),
        setters.join("\n"),
        if setters.is_empty() { "" } else { "\n" },
    ));
    text
}

/// The `# Example` section of the client method's docs: the call as a user writes it.
pub fn call_example(cx: &ModuleCx<'_>, e: &Endpoint) -> Option<String> {
    let call = match &e.request_builder {
        None => format!("let response = client.{}().await?;", e.method_name),
        Some(builder) => {
            let values = builder.example.as_ref()?;
            let setters: String = builder
                .required
                .iter()
                .zip(values)
                .map(|(p, v)| format!("            .{}({})\n", p.field, sample_text(cx, v)))
                .collect();
            format!(
                "let response = client\n    .{}(\n        {}::builder()\n{setters}            .build(),\n    )\n    .await?;",
                e.method_name, e.request.rust_name
            )
        }
    };
    let import = match &e.request_builder {
        Some(_) => format!("use {};\n\n", cx.public_path(&e.request.rust_name)),
        None => String::new(),
    };
    Some(format!(
        "# Example\n\n```no_run\n# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {krate}::prelude::*;\n{import}{call}\nprintln!(\"{{response:?}}\");\n# Ok(())\n# }}\n```",
        krate = cx.crate_name
    ))
}

fn sample_text(cx: &ModuleCx<'_>, value: &SampleValue) -> String {
    match value {
        SampleValue::Text => "\"…\"".to_owned(),
        SampleValue::Bool => "true".to_owned(),
        SampleValue::Integer => "1".to_owned(),
        SampleValue::Number => "1.0".to_owned(),
        SampleValue::EmptyList => "Vec::new()".to_owned(),
        SampleValue::Default => "Default::default()".to_owned(),
        SampleValue::File => format!("{}::Upload::from_path(\"photo.jpg\")", cx.crate_name),
        SampleValue::EnumVariant {
            enum_name,
            module,
            variant,
        } => format!("{}::{variant}", cx.public_path_in(module, enum_name)),
    }
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
