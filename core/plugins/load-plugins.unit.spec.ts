import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { z } from 'zod';
import { definePlugin, type PluginDefinition } from './define-plugin.ts';
import { PluginLoadError, registerPlugins } from './load-plugins.ts';

const plugin = (id: string, extra: Partial<PluginDefinition> = {}): { def: PluginDefinition; source: string } => ({
  def: definePlugin({ id, version: '1.0.0', needs: [], register() {}, ...extra } as PluginDefinition),
  source: 'test',
});

describe('plugin loader', () => {
  it('orders plugins so dependencies come first', () => {
    const loaded = registerPlugins([plugin('c', { dependsOn: ['b'] }), plugin('a'), plugin('b', { dependsOn: ['a'] })]);
    expect(loaded.map((p) => p.def.id)).toEqual(['a', 'b', 'c']);
  });

  it('fails early with a clear message on an unknown dependency', () => {
    expect(() => registerPlugins([plugin('mail', { dependsOn: ['contacts'] })])).toThrow(/plugin "mail" depends on "contacts", which is not enabled/);
  });

  it('refuses dependency cycles, duplicate ids, bad ids and reserved ids', () => {
    expect(() => registerPlugins([plugin('a', { dependsOn: ['b'] }), plugin('b', { dependsOn: ['a'] })])).toThrow(/cycle: a → b → a/);
    expect(() => registerPlugins([plugin('a'), plugin('a')])).toThrow(/enabled twice/);
    expect(() => registerPlugins([plugin('Bad_Id')])).toThrow(PluginLoadError);
    expect(() => registerPlugins([plugin('identity')])).toThrow(/reserved/);
  });

  it('refuses unknown core services and event types outside the plugin prefix', () => {
    expect(() => registerPlugins([plugin('a', { needs: ['nope' as never] })])).toThrow(/unknown core service "nope"/);
    expect(() => registerPlugins([plugin('a', { register(r) { r.events({ 'b.Thing': z.object({}) }); } })])).toThrow(/outside its "a." prefix/);
  });

  it('lets plugins mount only well-known root paths, each once', () => {
    const app = new Hono();
    expect(() => registerPlugins([plugin('a', { register(r) { r.mount('/login', app as never); } })])).toThrow(/may mount only/);
    expect(() => registerPlugins([
      plugin('a', { register(r) { r.mount('/.well-known/caldav', app as never); } }),
      plugin('b', { register(r) { r.mount('/.well-known/CalDAV', app as never); } }),
    ])).toThrow(/both mount/);
    const [p] = registerPlugins([plugin('a', { register(r) { r.mount('/autodiscover', app as never); r.mount('/.well-known/autoconfig', app as never); } })]);
    expect(p!.mounts.map((m) => m.path)).toEqual(['/autodiscover', '/.well-known/autoconfig']);
  });

  it('collects what register declares and hands services() only after init', () => {
    const [p] = registerPlugins([plugin('a', {
      register(r) {
        r.events({ 'a.Happened': z.object({}) });
        r.nav({ label: 'A', href: '/a' });
        r.provide('thing', () => 42);
        expect(() => r.services()).toThrow(/before init/);
      },
    })]);
    expect(Object.keys(p!.eventTypes)).toEqual(['a.Happened']);
    expect(p!.nav).toEqual([{ label: 'A', href: '/a' }]);
    expect([...p!.provides.keys()]).toEqual(['a.thing']);
  });
});
