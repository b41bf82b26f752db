package rules

import (
	"errors"
	"fmt"
	"regexp"
	resyntax "regexp/syntax"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Limits on what one function call may produce. Rules see strings of at
// most Budget.String bytes, but functions multiply: format pads, replace
// substitutes, setproduct multiplies lists. A call whose result would be
// larger fails (an error naming the rule, exit 2) instead of taking the
// machine's memory.
const (
	maxResultBytes = 1 << 20
	maxResultItems = 100_000
)

// functions are the functions rule expressions may call: go-cty's
// standard library (strings, collections, regular expressions, sets,
// numbers, encodings, type conversions) and HCL's can and try, by the
// names Terraform users know. Nothing reads a file, the network, the
// clock or the environment, so a rule's verdict depends on the host's
// inventory and the site profile alone.
func functions() map[string]function.Function {
	fs := map[string]function.Function{
		// strings
		"chomp":         stdlib.ChompFunc,
		"format":        guard(stdlib.FormatFunc, checkFormat),
		"formatlist":    guard(stdlib.FormatListFunc, checkFormat),
		"indent":        guard(stdlib.IndentFunc, checkIndent),
		"join":          guard(stdlib.JoinFunc, nil),
		"lower":         stdlib.LowerFunc,
		"upper":         guard(stdlib.UpperFunc, nil),
		"title":         guard(stdlib.TitleFunc, nil),
		"regex":         regexFunc,
		"regexall":      guard(regexAllFunc, nil),
		"replace":       guard(stdlib.ReplaceFunc, checkReplace(false)),
		"regex_replace": guard(regexReplaceFunc, checkReplace(true)),
		"split":         guard(stdlib.SplitFunc, nil),
		"strlen":        stdlib.StrlenFunc,
		"strrev":        stdlib.ReverseFunc,
		"substr":        stdlib.SubstrFunc,
		"trim":          stdlib.TrimFunc,
		"trimprefix":    stdlib.TrimPrefixFunc,
		"trimsuffix":    stdlib.TrimSuffixFunc,
		"trimspace":     stdlib.TrimSpaceFunc,
		// collections
		"chunklist":    guard(stdlib.ChunklistFunc, nil),
		"coalesce":     stdlib.CoalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc,
		"compact":      stdlib.CompactFunc,
		"concat":       guard(stdlib.ConcatFunc, nil),
		"contains":     stdlib.ContainsFunc,
		"distinct":     stdlib.DistinctFunc,
		"element":      stdlib.ElementFunc,
		"flatten":      guard(stdlib.FlattenFunc, nil),
		"keys":         stdlib.KeysFunc,
		"length":       stdlib.LengthFunc,
		"lookup":       stdlib.LookupFunc,
		"merge":        guard(stdlib.MergeFunc, nil),
		"range":        stdlib.RangeFunc,
		"reverse":      stdlib.ReverseListFunc,
		"slice":        stdlib.SliceFunc,
		"sort":         stdlib.SortFunc,
		"values":       stdlib.ValuesFunc,
		"zipmap":       stdlib.ZipmapFunc,
		// sets
		"setintersection":        stdlib.SetIntersectionFunc,
		"setproduct":             guard(stdlib.SetProductFunc, checkProduct),
		"setsubtract":            stdlib.SetSubtractFunc,
		"setsymmetricdifference": guard(stdlib.SetSymmetricDifferenceFunc, nil),
		"setunion":               guard(stdlib.SetUnionFunc, nil),
		// numbers
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,
		// encodings
		"csvdecode":  guard(stdlib.CSVDecodeFunc, nil),
		"jsondecode": guard(stdlib.JSONDecodeFunc, nil),
		"jsonencode": guard(stdlib.JSONEncodeFunc, nil),
		// type conversions
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"tostring": stdlib.MakeToFunc(cty.String),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		// errors as values
		"can": tryfunc.CanFunc,
		"try": tryfunc.TryFunc,
	}
	return fs
}

// guard wraps a function whose result can outgrow its arguments: pre
// refuses arguments that would make it too large before any work is
// done, and the result is measured after.
func guard(fn function.Function, pre func(args []cty.Value) error) function.Function {
	return function.New(&function.Spec{
		Description: fn.Description(),
		Params:      fn.Params(),
		VarParam:    fn.VarParam(),
		Type:        fn.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if pre != nil {
				for _, a := range args {
					if !a.IsWhollyKnown() {
						return fn.Call(args)
					}
				}
				if err := pre(args); err != nil {
					return cty.NilVal, err
				}
			}
			v, err := fn.Call(args)
			if err != nil {
				return v, err
			}
			return v, checkSize(v)
		},
	})
}

var errTooLarge = errors.New("result too large")

// checkSize refuses results over the limits, counting nested elements
// and string bytes.
func checkSize(v cty.Value) error {
	bytes, items := 0, 0
	var walk func(v cty.Value) error
	walk = func(v cty.Value) error {
		if !v.IsKnown() || v.IsNull() {
			return nil
		}
		ty := v.Type()
		switch {
		case ty == cty.String:
			bytes += len(v.AsString())
		case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				items++
				if items > maxResultItems {
					return fmt.Errorf("%w: more than %d elements", errTooLarge, maxResultItems)
				}
				_, e := it.Element()
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		if bytes > maxResultBytes {
			return fmt.Errorf("%w: more than %d bytes", errTooLarge, maxResultBytes)
		}
		return nil
	}
	return walk(v)
}

var formatWidth = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`%[-+# 0]*([0-9]+)?(?:\.([0-9]+))?`) })

// checkFormat refuses a width or precision that would pad past the limit
// ("%999999999d").
func checkFormat(args []cty.Value) error {
	if len(args) == 0 || args[0].IsNull() || args[0].Type() != cty.String {
		return nil
	}
	for _, m := range formatWidth().FindAllStringSubmatch(args[0].AsString(), -1) {
		for _, n := range m[1:] {
			if n == "" {
				continue
			}
			if w, err := strconv.Atoi(n); err != nil || w > maxResultBytes {
				return fmt.Errorf("%w: width or precision %s", errTooLarge, n)
			}
		}
	}
	return nil
}

// worstCase is how large an intermediate result a pre-check lets a
// function build; the result itself must still fit maxResultBytes.
const worstCase = 16 * maxResultBytes

// checkIndent bounds the prefix times the lines it is put before.
func checkIndent(args []cty.Value) error {
	if len(args) != 2 || args[0].IsNull() || args[1].IsNull() {
		return nil
	}
	n, _ := args[0].AsBigFloat().Int64()
	s := args[1].AsString()
	if n < 0 || n > worstCase || int(n)*(strings.Count(s, "\n")+1)+len(s) > worstCase {
		return fmt.Errorf("%w: indent %d", errTooLarge, n)
	}
	return nil
}

// checkReplace bounds what replace and regex_replace can make: every
// match (at most one per byte, and one more for a pattern that matches
// the empty string) becomes the replacement.
func checkReplace(pattern bool) func(args []cty.Value) error {
	return func(args []cty.Value) error {
		if len(args) != 3 || args[0].IsNull() || args[1].IsNull() || args[2].IsNull() {
			return nil
		}
		s, search, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		matches := len(s) + 1
		if !pattern && search != "" {
			matches = len(s)/len(search) + 1
		}
		if len(s)+matches*len(repl) > worstCase {
			return fmt.Errorf("%w: the replacement may be made %d times", errTooLarge, matches)
		}
		return nil
	}
}

// checkProduct refuses a product of sets larger than the item limit
// before it is built.
func checkProduct(args []cty.Value) error {
	n := 1
	for _, a := range args {
		if a.IsNull() || !a.CanIterateElements() {
			return nil
		}
		n *= max(a.LengthInt(), 1)
		if n > maxResultItems {
			return fmt.Errorf("%w: the product has more than %d elements", errTooLarge, maxResultItems)
		}
	}
	return nil
}

// The regular-expression functions are go-cty's (cty/function/stdlib:
// regexp.go and string_replace.go, RegexFunc, RegexAllFunc,
// RegexReplaceFunc), with one change: a compiled pattern is kept.
// go-cty compiles the pattern on every call, twice for regex (once for
// the result type); over a thousand trusts that was most of a rule
// set's time.

// patterns caches compiled patterns; it is emptied when full, which
// bounds it without bookkeeping.
var patterns = struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}{m: map[string]*regexp.Regexp{}}

const maxPatterns = 512

func compilePattern(p string) (*regexp.Regexp, error) {
	patterns.Lock()
	re, ok := patterns.m[p]
	patterns.Unlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	patterns.Lock()
	if len(patterns.m) >= maxPatterns {
		patterns.m = map[string]*regexp.Regexp{}
	}
	patterns.m[p] = re
	patterns.Unlock()
	return re, nil
}

var regexParams = []function.Parameter{{Name: "pattern", Type: cty.String}, {Name: "string", Type: cty.String}}

var regexFunc = function.New(&function.Spec{
	Description: "Applies the given regular expression pattern to the given string and returns information about a single match, or raises an error if there is no match.",
	Params:      regexParams,
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return cty.DynamicPseudoType, nil
		}
		ty, err := patternResultType(args[0].AsString())
		if err != nil {
			err = function.NewArgError(0, err)
		}
		return ty, err
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		if retType == cty.DynamicPseudoType {
			return cty.DynamicVal, nil
		}
		re, err := compilePattern(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "error parsing pattern: %s", err)
		}
		str := args[1].AsString()
		idx := re.FindStringSubmatchIndex(str)
		if idx == nil {
			return cty.NilVal, fmt.Errorf("pattern did not match any part of the given string")
		}
		return patternResult(re, str, idx, retType), nil
	},
})

var regexAllFunc = function.New(&function.Spec{
	Description: "Applies the given regular expression pattern to the given string and returns a list of information about all non-overlapping matches, or an empty list if there are no matches.",
	Params:      regexParams,
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return cty.List(cty.DynamicPseudoType), nil
		}
		ty, err := patternResultType(args[0].AsString())
		if err != nil {
			err = function.NewArgError(0, err)
		}
		return cty.List(ty), err
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		ety := retType.ElementType()
		if ety == cty.DynamicPseudoType {
			return cty.DynamicVal, nil
		}
		re, err := compilePattern(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "error parsing pattern: %s", err)
		}
		str := args[1].AsString()
		all := re.FindAllStringSubmatchIndex(str, -1)
		if len(all) == 0 {
			return cty.ListValEmpty(ety), nil
		}
		elems := make([]cty.Value, len(all))
		for i, idx := range all {
			elems[i] = patternResult(re, str, idx, ety)
		}
		return cty.ListVal(elems), nil
	},
})

var regexReplaceFunc = function.New(&function.Spec{
	Description: "Applies the given regular expression pattern to the given string and replaces all matches with the given replacement string.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}, {Name: "pattern", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		re, err := compilePattern(args[1].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(re.ReplaceAllString(args[0].AsString(), args[2].AsString())), nil
	},
})

// patternResultType is what regex returns for a pattern: a string
// without capture groups, a tuple with unnamed ones, an object with
// named ones.
func patternResultType(pattern string) (cty.Type, error) {
	re, rawErr := compilePattern(pattern)
	switch err := rawErr.(type) {
	case *resyntax.Error:
		return cty.NilType, fmt.Errorf("invalid regexp pattern: %s in %s", err.Code, err.Expr)
	case error:
		return cty.NilType, fmt.Errorf("error parsing pattern: %s", err)
	}
	var names []string
	unnamed := 0
	for _, name := range re.SubexpNames()[1:] {
		if name == "" {
			unnamed++
		} else {
			names = append(names, name)
		}
	}
	switch {
	case unnamed == 0 && len(names) == 0:
		return cty.String, nil
	case unnamed > 0 && len(names) > 0:
		return cty.NilType, fmt.Errorf("invalid regexp pattern: cannot mix both named and unnamed capture groups")
	case unnamed > 0:
		etys := make([]cty.Type, unnamed)
		for i := range etys {
			etys[i] = cty.String
		}
		return cty.Tuple(etys), nil
	}
	atys := make(map[string]cty.Type, len(names))
	for _, name := range names {
		atys[name] = cty.String
	}
	return cty.Object(atys), nil
}

func patternResult(re *regexp.Regexp, str string, idx []int, ty cty.Type) cty.Value {
	if ty == cty.String {
		return cty.StringVal(str[idx[0]:idx[1]])
	}
	group := func(i int) cty.Value {
		start, end := idx[2+i*2], idx[2+i*2+1]
		if start < 0 || end < 0 {
			return cty.NullVal(cty.String)
		}
		return cty.StringVal(str[start:end])
	}
	if ty.IsTupleType() {
		vals := make([]cty.Value, (len(idx)-2)/2)
		for i := range vals {
			vals[i] = group(i)
		}
		return cty.TupleVal(vals)
	}
	vals := map[string]cty.Value{}
	for i, name := range re.SubexpNames()[1:] {
		vals[name] = group(i)
	}
	return cty.ObjectVal(vals)
}
