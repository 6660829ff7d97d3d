module Tasks
  module Failing
    def self.fine
      puts 'fine'
    end

    def self.explode
      puts 'about to fail'
      helper
    end

    def self.helper
      raise ArgumentError, 'bad input for explode'
    end
  end
end
