# The `Digdag` module that `rb>` tasks see under `wf run` (digdag's Ruby API:
# `Digdag.env.params`, `store`, `export`, `add_subtask`). `runner.rb` loads it and fills
# `Digdag.env.params` from the input JSON before the task's code runs.
require 'json'

module Digdag
  class Env
    attr_accessor :params
    attr_reader :subtask_config, :export_params, :store_params, :state_params

    def initialize
      @params = {}
      @subtask_config = {}
      @export_params = {}
      @store_params = {}
      @state_params = {}
      @subtask_index = 0
    end

    # Digdag takes keywords (`store(v: 1)`); a Hash argument works too.
    def export(params = {}, **kwds)
      @export_params.update(Digdag.string_keys(params)).update(Digdag.string_keys(kwds))
      nil
    end

    def store(params = {}, **kwds)
      @store_params.update(Digdag.string_keys(params)).update(Digdag.string_keys(kwds))
      nil
    end

    def set_state(params = {}, **kwds)
      @state_params.update(Digdag.string_keys(params)).update(Digdag.string_keys(kwds))
      nil
    end

    # add_subtask(config)
    # add_subtask(method_name, params = {})          => {"rb>" => "method_name", ...}
    # add_subtask(klass, method_name, params = {})   => {"rb>" => "::Klass.method_name", ...}
    def add_subtask(*args, **kwds)
      args << kwds unless kwds.empty?
      params = args.last.is_a?(Hash) ? args.pop : {}
      config =
        case args.length
        when 0
          Digdag.string_keys(params)
        when 1
          name = Digdag.method_name(args[0])
          Digdag.string_keys(params).merge('rb>' => name)
        when 2
          klass = Digdag.class_named(args[0])
          name = Digdag.method_name(args[1])
          unless klass.respond_to?(name) || klass.public_instance_methods.include?(name.to_sym)
            raise ArgumentError, "Class #{klass} does not have method #{name.to_sym.inspect}"
          end
          Digdag.string_keys(params).merge('rb>' => "::#{klass.name}.#{name}")
        else
          raise ArgumentError,
                "wrong number of arguments (#{args.length + 1} for 1..3, the last one a Hash)"
        end
      begin
        JSON.generate(config)
      rescue StandardError => e
        raise ArgumentError, "Parameters must be serializable using JSON: #{e.message}"
      end
      @subtask_config["+subtask#{@subtask_index}"] = config
      @subtask_index += 1
      nil
    end
  end

  ENV_INSTANCE = Env.new
  private_constant :ENV_INSTANCE

  def self.env
    ENV_INSTANCE
  end

  def self.string_keys(hash)
    Hash(hash).each_with_object({}) { |(k, v), out| out[k.to_s] = v }
  end

  def self.method_name(name)
    unless name.is_a?(Symbol) || name.is_a?(String)
      raise ArgumentError, "Method name must be a Symbol or String but got #{name.inspect}"
    end
    raise ArgumentError, "Method name can't include '.'" if name.to_s.include?('.')

    name.to_s
  end

  def self.class_named(klass)
    return klass if klass.is_a?(Module)
    unless klass.is_a?(Symbol) || klass.is_a?(String)
      raise ArgumentError, "First argument must be a Class or Symbol but got #{klass.inspect}"
    end

    begin
      Object.const_get(klass.to_s)
    rescue NameError
      raise ArgumentError, "Could not find class named #{klass}"
    end
  end
end
